// dmctl plan FLEET
//
// What dmctl up would do, without changing anything: servers to boot and bootstrap, hosts whose
// converge would change something (found by dry runs on the hosts themselves), DNS records to
// set. Exit 0 either way; the last line says whether up has work to do.
#include "absl/strings/str_format.h"
#include "dmctl/command.h"
#include "dmctl/fleet_request.h"
#include "dmctl/fleet_stream.h"

namespace dm::dmctl {
namespace {

class Plan : public Command {
 public:
  std::vector<std::string> Path() const override { return {"plan"}; }
  std::string Synopsis() const override {
    return "Show what dmctl up would change, changing nothing";
  }
  void AddFlags(Flags& flags) override {
    flags.Add("fleet", &fleet_, "The fleet file (or the name of a fleet the controller knows)")
        .Required();
  }
  int Run(Context& context) override {
    absl::StatusOr<dm::v1::FleetRequest> request = FleetRequestFor(fleet_);
    if (!request.ok()) return context.Fail(request.status());
    // A plan is a list, not a live view.
    FleetProgress progress(context.out(), /*tty=*/false);
    int code = FollowFleetCall(
        context, "plan", *request,
        [](AdminClient* admin, const dm::v1::FleetRequest& r,
           const OnMessage<dm::v1::FleetEvent>& on_event) { return admin->PlanFleet(r, on_event); },
        progress);
    if (code != kOk) return code;
    context.out() << "\n"
                  << (progress.changed() == 0
                          ? "plan: nothing to do"
                          : absl::StrFormat("plan: %d changes (dmctl up applies them)",
                                            progress.changed()))
                  << "\n";
    return progress.failures().empty() ? kOk : kFailed;
  }

 private:
  std::string fleet_;
};

}  // namespace

std::unique_ptr<Command> NewPlan() { return std::make_unique<Plan>(); }

}  // namespace dm::dmctl
