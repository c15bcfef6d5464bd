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

// The repository path the file's `app: repository:` names, resolved against the file's folder;
// "" when it names a URL, or nothing.
std::string LocalAppRepository(const std::string& file_path, const std::string& file_text);

// The fleet's `name:` in its file's text ("" when it has none).
std::string FleetNameInFile(const std::string& file_text);

// Pushes `repository` to the controller's repository of `fleet`; `config` is dmctl's --config
// ("" for the default), for the dmctl that git runs as its transport.
absl::Status PushAppRepository(const std::string& repository, const std::string& fleet,
                               const std::string& config);

}  // namespace dm::dmctl

#endif  // DM_DMCTL_APP_PUSH_H_
