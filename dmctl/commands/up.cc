// dmctl up FLEET
//
// Brings the fleet to what its file says: boots the missing servers, bootstraps them, converges
// every host in dependency order (database, cache, app, load balancer) wired together, points
// DNS at the load balancers and fetches the site through them. Live progress per host. Running
// it again changes nothing. Exit 0 when the site answered.
#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "dmctl/command.h"
#include "dmctl/fleet_request.h"
#include "dmctl/fleet_stream.h"

namespace dm::dmctl {
namespace {

class Up : public Command {
 public:
  std::vector<std::string> Path() const override { return {"up"}; }
  std::string Synopsis() const override {
    return "Boot, bootstrap and converge a fleet from its file, point DNS at it and check the site";
  }
  void AddFlags(Flags& flags) override {
    flags.Add("fleet", &fleet_, "The fleet file (or the name of a fleet the controller knows)")
        .Required();
    flags.Add("--restore", &restore_,
              "Then restore this backup into the database (\"latest\": the newest)");
    flags.Footer("Example: dmctl up deploy/examples/local.yaml\nThen: dmctl status shop");
  }
  int Run(Context& context) override {
    absl::StatusOr<dm::v1::FleetRequest> request = FleetRequestFor(fleet_);
    if (!request.ok()) return context.Fail(request.status());
    request->set_restore(restore_);
    absl::Time start = absl::Now();
    FleetProgress progress(context.out(), ::isatty(STDOUT_FILENO));
    int code = FollowFleetCall(
        context, "up", *request,
        [](AdminClient* admin, const dm::v1::FleetRequest& r,
           const OnMessage<dm::v1::FleetEvent>& on_event) { return admin->UpFleet(r, on_event); },
        progress);
    if (code != kOk) return code;
    context.out() << "\nup: done in "
                  << absl::FormatDuration(absl::Trunc(absl::Now() - start, absl::Milliseconds(100)))
                  << (progress.changed() == 0
                          ? "; nothing changed"
                          : absl::StrCat("; ", progress.changed(), " steps changed"))
                  << "\n";
    return kOk;
  }

 private:
  std::string fleet_, restore_;
};

}  // namespace

std::unique_ptr<Command> NewUp() { return std::make_unique<Up>(); }

}  // namespace dm::dmctl
