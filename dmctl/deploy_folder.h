// The roles and cookbooks a fleet file is applied with travel with it: dmctl finds the deploy
// folder beside the fleet file (or takes --deploy-dir), sends the controller the file contents
// it lacks (content-addressed: unchanged cookbooks send nothing) and names the folder's files in
// the request. A controller on another machine then converges exactly what the operator has.
#ifndef DM_DMCTL_DEPLOY_FOLDER_H_
#define DM_DMCTL_DEPLOY_FOLDER_H_

#include <string>

#include "absl/status/status.h"
#include "dm/v1/admin.pb.h"
#include "dmctl/admin_client.h"

namespace dm::dmctl {

// `flag` when set; else the first folder, from the fleet file's own upwards, that has roles/,
// itself or as its deploy/ child; "" when there is none (the controller's --deploy-dir is used).
std::string FindDeployFolder(const std::string& fleet_file, const std::string& flag);

// Sends what the controller lacks of `folder` and names its files in `request`. Returns how many
// files' contents were sent in `sent` (0 when the controller had them all).
absl::Status AttachDeployFolder(AdminClient* admin, const std::string& folder,
                                dm::v1::FleetRequest* request, int* sent = nullptr);

}  // namespace dm::dmctl

#endif  // DM_DMCTL_DEPLOY_FOLDER_H_
