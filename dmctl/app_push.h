// A fleet file whose app repository is a path names a folder on the operator's machine, which a
// controller elsewhere cannot read. dmctl pushes that repository (its branches, tags and HEAD)
// to the fleet's repository on the controller, with git's own protocol relayed over dmctl's
// authenticated connection (dmctl git-transport): only the objects the controller lacks travel.
// A URL stays a URL: the controller fetches it itself.
#ifndef DM_DMCTL_APP_PUSH_H_
#define DM_DMCTL_APP_PUSH_H_

#include <string>

#include "absl/status/status.h"

namespace dm::dmctl {

// The repository folder the file's `app: repository:` names, resolved against the file's folder
// (`path` "" when it names a URL, or nothing), and where the file says it ("file:line:column").
struct LocalRepository {
  std::string path;
  std::string where;
};
LocalRepository LocalAppRepository(const std::string& file_path, const std::string& file_text);

// InvalidArgument naming the file's line when the folder is not a git repository with a commit
// (before anything is sent: a raw git error would say less).
absl::Status CheckAppRepository(const LocalRepository& repository);

// The fleet's `name:` in its file's text ("" when it has none).
std::string FleetNameInFile(const std::string& file_text);

// A name the controller takes for a fleet's repository (1 to 15 of a-z, 0-9, '-', a letter
// first), so that a push never fails where the file has a mistake the controller would name.
bool IsPushableFleetName(const std::string& name);

// Pushes `repository` to the controller's repository of `fleet`; `config` is dmctl's --config
// ("" for the default), for the dmctl that git runs as its transport.
absl::Status PushAppRepository(const std::string& repository, const std::string& fleet,
                               const std::string& config);

}  // namespace dm::dmctl

#endif  // DM_DMCTL_APP_PUSH_H_
