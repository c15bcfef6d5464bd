// Runs a program on one host through the controller (the Exec RPC) for commands built on it
// (dmctl app, dmctl logs), handing each chunk of output to the caller.
#ifndef DM_DMCTL_REMOTE_RUN_H_
#define DM_DMCTL_REMOTE_RUN_H_

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "dm/v1/admin.pb.h"
#include "dmctl/admin_client.h"

namespace dm::dmctl {

using OutputFn = std::function<void(dm::v1::CommandOutput::Stream, const std::string&)>;

absl::StatusOr<dm::v1::CommandResult> RunRemote(AdminClient* admin, const std::string& agent,
                                                const dm::v1::ExecCommand& command,
                                                const OutputFn& output);

// The fleet's servers as the controller reports them (name, role, provides, agent state).
absl::StatusOr<dm::v1::FleetStatusResponse> FleetServers(AdminClient* admin,
                                                         const std::string& fleet);

}  // namespace dm::dmctl

#endif  // DM_DMCTL_REMOTE_RUN_H_
