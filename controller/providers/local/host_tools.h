// The host tools the local provider drives (ip, mount, debootstrap, ssh-keygen, nspawn), run
// with argv (never a shell), their output in the error when they fail.
#ifndef DM_CONTROLLER_PROVIDERS_LOCAL_HOST_TOOLS_H_
#define DM_CONTROLLER_PROVIDERS_LOCAL_HOST_TOOLS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace dm::local {

// Runs argv; returns its output, or an error naming the command, its exit and its output.
absl::StatusOr<std::string> Tool(const std::vector<std::string>& argv, absl::Duration timeout = absl::Minutes(2));

// The same, for cleanup: failures are ignored (the thing may already be gone).
void TryTool(const std::vector<std::string>& argv);

}  // namespace dm::local

#endif  // DM_CONTROLLER_PROVIDERS_LOCAL_HOST_TOOLS_H_
