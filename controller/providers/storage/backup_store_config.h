// Where fleets' backups go: `dm-controller --backup-store FILE` names a YAML file that chooses
// the object store and holds its credentials, so that no secret is ever on a command line:
//
//   type: swift                           # OpenStack Swift with Keystone v3 (an auth_url in /v3)
//   auth_url: https://keystone.example.com:5000/v3
//   user: backup
//   key: ...                              # the user's password
//   project: shop
//   domain: Default                       # the user's and the project's
//   region: RegionOne                     # optional: where the catalog's endpoint is
//   container: dm-backups
//
//   type: swift                           # v1 authentication (TempAuth, SwAuth)
//   auth_url: https://swift.example.com/auth/v1.0
//   user: account:backup
//   key: ...
//
//   type: s3                              # Amazon S3 and S3-compatible stores
//   endpoint: https://s3.eu-west-1.amazonaws.com
//   region: eu-west-1
//   bucket: dm-backups
//   access_key: ...
//   secret_key: ...
//   addressing: path                      # or virtual (BUCKET.ENDPOINT)
//
//   type: directory
//   path: /var/backups/dm
//
// The file must not be readable by group or others (it holds a secret). Every problem is
// reported at once, with the file, line and field.
#ifndef DM_CONTROLLER_PROVIDERS_STORAGE_BACKUP_STORE_CONFIG_H_
#define DM_CONTROLLER_PROVIDERS_STORAGE_BACKUP_STORE_CONFIG_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/http/http_client.h"
#include "common/yaml/field_reader.h"
#include "controller/providers/storage/object_store.h"
#include "controller/providers/storage/s3_store.h"
#include "controller/providers/storage/swift_store.h"

namespace dm {

// One store as a --backup-store file or a --providers `storage:` entry describes it.
struct StoreSettings {
  std::string type;  // swift, s3 or directory
  SwiftOptions swift;
  S3Options s3;
  std::string directory;
};

// Reads a store's `type:` (one of `types`) and that type's settings from `fields`; problems go
// to its errors, with their positions. The caller rejects unknown fields.
StoreSettings ReadStoreSettings(yaml::FieldReader& fields, const std::vector<std::string>& types);
// The store `settings` describe (read without errors); `http` must outlive it.
std::unique_ptr<ObjectStore> MakeObjectStore(const StoreSettings& settings, HttpClient* http);

// The store that `text` (the content of the file at `path`) describes; `http` must outlive it.
absl::StatusOr<std::unique_ptr<ObjectStore>> ParseBackupStore(const std::string& text,
                                                              const std::string& path,
                                                              HttpClient* http);
// Reads the file (refusing one that others can read) and parses it.
absl::StatusOr<std::unique_ptr<ObjectStore>> OpenBackupStore(const std::string& path,
                                                             HttpClient* http);

}  // namespace dm

#endif  // DM_CONTROLLER_PROVIDERS_STORAGE_BACKUP_STORE_CONFIG_H_
