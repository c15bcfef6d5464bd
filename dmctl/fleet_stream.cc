#include "dmctl/fleet_stream.h"

namespace dm::dmctl {

int FollowFleetCall(Context& context, const std::string& verb, const dm::v1::FleetRequest& request,
                    const FleetCall& call, FleetProgress& progress) {
  AdminClient* admin = context.Admin();
  if (admin == nullptr) return kUnreachable;
  absl::Status status;
  {
    InterruptibleCalls interruptible(admin);
    status = call(admin, request, [&](const dm::v1::FleetEvent& event) { progress.Show(event); });
  }
  if (absl::IsCancelled(status)) {
    context.err() << "dmctl: stopped watching; " << verb
                  << " goes on in the controller (dmctl status shows it)\n";
    return kFailed;
  }
  if (!status.ok()) {
    if (progress.shown_any()) context.out() << "\n";  // the error apart from the progress above
    return context.Fail(status);
  }
  return kOk;
}

}  // namespace dm::dmctl
