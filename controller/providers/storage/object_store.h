// Object storage for backups: flat keys ("shop/20261125T203000Z.dump") to bytes. The embedded
// default is a directory on the controller's machine (LocalDirectoryStore); OpenStack Swift or
// S3-compatible stores implement the same interface over their HTTP APIs.
#ifndef DM_CONTROLLER_PROVIDERS_STORAGE_OBJECT_STORE_H_
#define DM_CONTROLLER_PROVIDERS_STORAGE_OBJECT_STORE_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace dm {

struct ObjectInfo {
  std::string key;
  uint64_t size = 0;
  absl::Time modified;
};

class ObjectStore {
 public:
  virtual ~ObjectStore() = default;
  virtual std::string name() const = 0;
  // Whole or not at all: a reader never sees half an object.
  virtual absl::Status Put(const std::string& key, const std::string& data) = 0;
  // NotFound if there is no such object.
  virtual absl::StatusOr<std::string> Get(const std::string& key) = 0;
  // Keys starting with `prefix`, sorted.
  virtual absl::StatusOr<std::vector<ObjectInfo>> List(const std::string& prefix) = 0;
  // OK if there is no such object.
  virtual absl::Status Delete(const std::string& key) = 0;
};

// Keys are ASCII letters, digits and ._-, in '/'-separated parts (what Django names uploads);
// no part is empty or starts with '.' (so that a key cannot leave a directory or name a hidden
// file).
bool IsObjectKey(const std::string& key);

// For the stores over HTTP. A key in a URL path: each part percent-encoded, the slashes kept
// (the APIs' pseudo-folders).
std::string EncodeObjectKey(const std::string& key);
// DataLoss when a downloaded `body` does not match the MD5 its ETag carries (Swift and S3 give
// a single upload's MD5); `store` names the API in the message.
absl::Status CheckDownload(const std::string& store, const std::string& key, std::string etag,
                           const std::string& body);

}  // namespace dm

#endif  // DM_CONTROLLER_PROVIDERS_STORAGE_OBJECT_STORE_H_
