// Cleanup of host resources (namespaces, links, mounts) that may already be gone.
#ifndef DM_CONTROLLER_PROVIDERS_LOCAL_HOST_TOOLS_H_
#define DM_CONTROLLER_PROVIDERS_LOCAL_HOST_TOOLS_H_

#include <string>
#include <vector>

namespace dm::local {

// Runs argv (see RunChecked in common/process.h) and ignores a failure.
void TryTool(const std::vector<std::string>& argv);

}  // namespace dm::local

#endif  // DM_CONTROLLER_PROVIDERS_LOCAL_HOST_TOOLS_H_
