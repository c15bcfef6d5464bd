#include "dmctl/remote_run.h"

#include <optional>

#include "common/grpc_status.h"
#include "dmctl/fleet_request.h"

namespace dm::dmctl {

absl::StatusOr<dm::v1::CommandResult> RunRemote(dm::v1::Admin::Stub* admin,
                                                const std::string& agent,
                                                const dm::v1::ExecCommand& command,
                                                const OutputFn& output) {
  dm::v1::ExecRequest request;
  request.set_agent(agent);
  *request.mutable_command() = command;
  grpc::ClientContext call;
  auto reader = admin->Exec(&call, request);
  dm::v1::ExecEvent event;
  std::optional<dm::v1::CommandResult> result;
  while (reader->Read(&event)) {
    if (event.has_output()) output(event.output().stream(), event.output().data());
    if (event.has_result()) result = event.result();
  }
  if (grpc::Status s = reader->Finish(); !s.ok()) return FromGrpcStatus(s);
  if (!result) return absl::UnavailableError("the controller ended the call without a result");
  return *result;
}

absl::StatusOr<dm::v1::FleetStatusResponse> FleetServers(dm::v1::Admin::Stub* admin,
                                                         const std::string& fleet) {
  absl::StatusOr<dm::v1::FleetRequest> request = FleetRequestFor(fleet);
  if (!request.ok()) return request.status();
  grpc::ClientContext call;
  SetCallDeadline(&call);
  dm::v1::FleetStatusResponse status;
  if (grpc::Status s = admin->FleetStatus(&call, *request, &status); !s.ok())
    return FromGrpcStatus(s);
  return status;
}

}  // namespace dm::dmctl
