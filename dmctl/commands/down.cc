// dmctl down FLEET [--yes]
//
// Destroys every server of the fleet, its DNS zone and its app mirror, and forgets it. Asks
// first (type the fleet's name) unless --yes.
#include <unistd.h>

#include <iostream>

#include "absl/strings/str_cat.h"
#include "dmctl/command.h"
#include "dmctl/fleet_request.h"
#include "dmctl/fleet_stream.h"

namespace dm::dmctl {
namespace {

class Down : public Command {
 public:
  std::vector<std::string> Path() const override { return {"down"}; }
  std::string Synopsis() const override {
    return "Destroy a fleet's servers and DNS records (asks first)";
  }
  void AddFlags(Flags& flags) override {
    flags.Add("fleet", &fleet_, "The fleet's name or file").Required();
    flags.Flag("--yes", &yes_, "Do not ask");
  }
  int Run(Context& context) override {
    absl::StatusOr<dm::v1::FleetRequest> request = FleetRequestFor(fleet_);
    if (!request.ok()) return context.Fail(request.status());
    AdminClient* admin = context.Admin();
    if (admin == nullptr) return kUnreachable;
    dm::v1::FleetStatusResponse status;
    if (absl::Status s = MoveInto(admin->FleetStatus(*request), &status); !s.ok()) {
      return context.Fail(s);
    }
    if (!yes_) {
      if (!::isatty(STDIN_FILENO)) {
        context.err() << "dmctl down: destroying fleet '" << status.fleet()
                      << "' needs --yes when not asked on a terminal\n";
        return kUsage;
      }
      context.err()
          << "This destroys " << status.servers_size() << " servers of fleet '" << status.fleet()
          << "' and its DNS records; data on them is lost.\nType the fleet's name to go on: ";
      std::string answer;
      std::getline(std::cin, answer);
      if (answer != status.fleet()) {
        context.err() << "dmctl down: not confirmed; nothing was changed\n";
        return kFailed;
      }
    }
    dm::v1::FleetRequest by_name;
    by_name.set_name(status.fleet());
    FleetProgress progress(context.out(), ::isatty(STDOUT_FILENO));
    int code = FollowFleetCall(
        context, "down", by_name,
        [](AdminClient* a, const dm::v1::FleetRequest& r,
           const OnMessage<dm::v1::FleetEvent>& on_event) { return a->DownFleet(r, on_event); },
        progress);
    if (code == kOk) context.out() << "\ndown: fleet '" << status.fleet() << "' is gone\n";
    return code;
  }

 private:
  std::string fleet_;
  bool yes_ = false;
};

}  // namespace

std::unique_ptr<Command> NewDown() { return std::make_unique<Down>(); }

}  // namespace dm::dmctl
