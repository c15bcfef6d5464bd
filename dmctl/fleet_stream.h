// Runs one streaming fleet call (up, plan, down, ...) to its end, showing its events, and turns
// the result into dmctl's exit code. Ctrl-C stops watching; the operation goes on.
#ifndef DM_DMCTL_FLEET_STREAM_H_
#define DM_DMCTL_FLEET_STREAM_H_

#include <functional>
#include <string>

#include "dm/v1/admin.pb.h"
#include "dmctl/admin_client.h"
#include "dmctl/context.h"
#include "dmctl/output/fleet_progress.h"

namespace dm::dmctl {

// Makes the call for `request`, handing each event to `on_event`.
using FleetCall = std::function<absl::Status(AdminClient*, const dm::v1::FleetRequest&,
                                             const OnMessage<dm::v1::FleetEvent>&)>;

// Returns kOk, kFailed (the controller said why: printed) or kUnreachable. `progress` has seen
// every event when it returns.
int FollowFleetCall(Context& context, const std::string& verb, const dm::v1::FleetRequest& request,
                    const FleetCall& call, FleetProgress& progress);

}  // namespace dm::dmctl

#endif  // DM_DMCTL_FLEET_STREAM_H_
