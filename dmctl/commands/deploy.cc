// dmctl deploy FLEET [--rev REV]
// dmctl rollback FLEET
//
// Rolls an app revision out one app node at a time: each leaves the load balancers while it
// restarts, must then answer with the new commit, and rejoins. A failing node stops the
// rollout and the old revision keeps serving everywhere. rollback returns to the commit that
// was deployed before the current one.
#include <unistd.h>

#include "dmctl/command.h"
#include "dmctl/fleet_request.h"
#include "dmctl/fleet_stream.h"

namespace dm::dmctl {
namespace {

class Deploy : public Command {
 public:
  explicit Deploy(bool rollback) : rollback_(rollback) {}
  std::vector<std::string> Path() const override { return {rollback_ ? "rollback" : "deploy"}; }
  std::string Synopsis() const override {
    return rollback_ ? "Return the app to the revision deployed before the current one"
                     : "Roll an app revision out one app node at a time";
  }
  void AddFlags(Flags& flags) override {
    flags.Add("fleet", &fleet_, "The fleet's name or file").Required();
    if (!rollback_)
      flags.Add("--rev", &revision_, "Branch, tag or commit (default: the fleet file's revision)");
  }
  int Run(Context& context) override {
    absl::StatusOr<dm::v1::FleetRequest> fleet = FleetRequestFor(fleet_);
    if (!fleet.ok()) return context.Fail(fleet.status());
    dm::v1::DeployFleetRequest request;
    *request.mutable_fleet() = *fleet;
    request.set_revision(revision_);
    request.set_rollback(rollback_);
    FleetProgress progress(context.out(), ::isatty(STDOUT_FILENO));
    return FollowFleetCall(
        context, rollback_ ? "rollback" : "deploy", *fleet,
        [&](AdminClient* admin, const dm::v1::FleetRequest& prepared,
            const OnMessage<dm::v1::FleetEvent>& on_event) {
          dm::v1::DeployFleetRequest sent = request;
          *sent.mutable_fleet() = prepared;  // with what dmctl sent along (FollowFleetCall)
          return admin->DeployFleet(sent, on_event);
        },
        progress);
  }

 private:
  bool rollback_;
  std::string fleet_, revision_;
};

}  // namespace

std::unique_ptr<Command> NewDeploy() { return std::make_unique<Deploy>(false); }
std::unique_ptr<Command> NewRollback() { return std::make_unique<Deploy>(true); }

}  // namespace dm::dmctl
