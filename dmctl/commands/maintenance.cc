// dmctl maintenance FLEET on|off
//
// on: the load balancers answer every request (but their health check) with the maintenance
// page and HTTP 503; off: the site again. Kept with the fleet until turned off.
#include <unistd.h>

#include "dmctl/command.h"
#include "dmctl/fleet_request.h"
#include "dmctl/fleet_stream.h"

namespace dm::dmctl {
namespace {

class Maintenance : public Command {
 public:
  std::vector<std::string> Path() const override { return {"maintenance"}; }
  std::string Synopsis() const override {
    return "Show the maintenance page instead of the site, or stop";
  }
  void AddFlags(Flags& flags) override {
    flags.Add("fleet", &fleet_, "The fleet's name or file").Required();
    flags.Add("state", &state_, "on or off").Required().OneOf({"on", "off"});
  }
  int Run(Context& context) override {
    absl::StatusOr<dm::v1::FleetRequest> fleet = FleetRequestFor(fleet_);
    if (!fleet.ok()) return context.Fail(fleet.status());
    dm::v1::MaintenanceRequest request;
    *request.mutable_fleet() = *fleet;
    request.set_on(state_ == "on");
    FleetProgress progress(context.out(), ::isatty(STDOUT_FILENO));
    int code = FollowFleetCall(
        context, "maintenance", *fleet,
        [&](AdminClient* admin, const dm::v1::FleetRequest& prepared,
            const OnMessage<dm::v1::FleetEvent>& on_event) {
          auto sent = request;
          *sent.mutable_fleet() = prepared;  // with what dmctl sent along (FollowFleetCall)
          return admin->MaintenanceFleet(sent, on_event);
        },
        progress);
    return code == kOk && !progress.failures().empty() ? kFailed : code;
  }

 private:
  std::string fleet_, state_;
};

}  // namespace

std::unique_ptr<Command> NewMaintenance() { return std::make_unique<Maintenance>(); }

}  // namespace dm::dmctl
