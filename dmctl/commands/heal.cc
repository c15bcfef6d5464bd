// dmctl heal FLEET off|on [--json]
//
// Pauses or resumes the fleet's self-healing (docs/health.md): while off, failing checks are
// still reported and recorded, but nothing is restarted, converged, replaced or taken out of the
// load balancers. --json: {fleet, healing}.
#include "dmctl/command.h"
#include "dmctl/fleet_request.h"

namespace dm::dmctl {
namespace {

class Heal : public Command {
 public:
  std::vector<std::string> Path() const override { return {"heal"}; }
  std::string Synopsis() const override {
    return "Pause (off) or resume (on) a fleet's self-healing";
  }
  void AddFlags(Flags& flags) override {
    flags.Add("fleet", &fleet_, "The fleet's name or file").Required();
    flags.Add("state", &state_, "off or on").Required().OneOf({"off", "on"});
    flags.Flag("--json", &json_, "Print {fleet, healing}");
  }
  int Run(Context& context) override {
    absl::StatusOr<dm::v1::FleetRequest> fleet = FleetRequestFor(fleet_);
    if (!fleet.ok()) return context.Fail(fleet.status());
    AdminClient* admin = context.Admin();
    if (admin == nullptr) return kUnreachable;
    dm::v1::HealRequest request;
    *request.mutable_fleet() = *fleet;
    request.set_on(state_ == "on");
    dm::v1::HealResponse response;
    if (absl::Status s = MoveInto(admin->HealFleet(request), &response); !s.ok())
      return context.Fail(s);
    if (json_) {
      context.out()
          << nlohmann::json{{"fleet", response.fleet()}, {"healing", response.healing()}}.dump(2)
          << "\n";
    } else {
      context.out() << "self-healing of " << response.fleet() << " is "
                    << (response.healing() ? "on" : "off") << "\n";
    }
    return kOk;
  }

 private:
  std::string fleet_, state_;
  bool json_ = false;
};

}  // namespace

std::unique_ptr<Command> NewHeal() { return std::make_unique<Heal>(); }

}  // namespace dm::dmctl
