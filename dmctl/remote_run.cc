#include "dmctl/remote_run.h"

#include <optional>

#include "dmctl/fleet_request.h"

namespace dm::dmctl {

absl::StatusOr<dm::v1::CommandResult> RunRemote(AdminClient* admin, const std::string& agent,
                                                const dm::v1::ExecCommand& command,
                                                const OutputFn& output) {
  dm::v1::ExecRequest request;
  request.set_agent(agent);
  *request.mutable_command() = command;
  std::optional<dm::v1::CommandResult> result;
  absl::Status done = admin->Exec(request, [&](const dm::v1::ExecEvent& event) {
    if (event.has_output()) output(event.output().stream(), event.output().data());
    if (event.has_result()) result = event.result();
  });
  if (!done.ok()) return done;
  if (!result) return absl::UnavailableError("the controller ended the call without a result");
  return *result;
}

absl::StatusOr<dm::v1::FleetStatusResponse> FleetServers(AdminClient* admin,
                                                         const std::string& fleet) {
  absl::StatusOr<dm::v1::FleetRequest> request = FleetRequestFor(fleet);
  if (!request.ok()) return request.status();
  return admin->FleetStatus(*request);
}

}  // namespace dm::dmctl
