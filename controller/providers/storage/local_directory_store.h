// ObjectStore in a directory of this machine (DATA_DIR/backups by default): one file per key,
// written atomically, readable by the controller's user only.
#ifndef DM_CONTROLLER_PROVIDERS_STORAGE_LOCAL_DIRECTORY_STORE_H_
#define DM_CONTROLLER_PROVIDERS_STORAGE_LOCAL_DIRECTORY_STORE_H_

#include "controller/providers/storage/object_store.h"

namespace dm {

class LocalDirectoryStore : public ObjectStore {
 public:
  explicit LocalDirectoryStore(std::string dir) : dir_(std::move(dir)) {}
  std::string name() const override { return "local:" + dir_; }
  absl::Status Put(const std::string& key, const std::string& data) override;
  absl::StatusOr<std::string> Get(const std::string& key) override;
  absl::StatusOr<std::vector<ObjectInfo>> List(const std::string& prefix) override;
  absl::Status Delete(const std::string& key) override;

 private:
  absl::StatusOr<std::string> PathOf(const std::string& key) const;
  const std::string dir_;
};

}  // namespace dm

#endif  // DM_CONTROLLER_PROVIDERS_STORAGE_LOCAL_DIRECTORY_STORE_H_
