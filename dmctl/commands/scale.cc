// dmctl scale FLEET ROLE=N
//
// Sets how many servers the fleet runs for a role and applies it: new servers boot and join the
// wiring; removed ones leave the load balancers (requests under way finish) and are destroyed.
// When FLEET is a file, the new count is written into it (in place, comments kept), so that the
// next dmctl up keeps it.
#include <unistd.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/files.h"
#include "dmctl/command.h"
#include "dmctl/fleet_request.h"
#include "dmctl/fleet_stream.h"

namespace dm::dmctl {
namespace {

class Scale : public Command {
 public:
  std::vector<std::string> Path() const override { return {"scale"}; }
  std::string Synopsis() const override {
    return "Set a role's server count (appnode=3) and apply it";
  }
  void AddFlags(Flags& flags) override {
    flags.Add("fleet", &fleet_, "The fleet file (updated in place) or the fleet's name").Required();
    flags.Add("count", &count_, "ROLE=N, such as appnode=3").Required();
    flags.Footer("Example: dmctl scale deploy/examples/local.yaml appnode=3");
  }
  int Run(Context& context) override {
    size_t eq = count_.find('=');
    uint32_t n = 0;
    if (eq == std::string::npos || eq == 0 || !absl::SimpleAtoi(count_.substr(eq + 1), &n)) {
      context.err() << "dmctl scale: '" << count_ << "': expected ROLE=N, such as appnode=3\n";
      return kUsage;
    }
    absl::StatusOr<dm::v1::FleetRequest> fleet = FleetRequestFor(fleet_);
    if (!fleet.ok()) return context.Fail(fleet.status());
    dm::v1::ScaleFleetRequest request;
    *request.mutable_fleet() = *fleet;
    request.set_role(count_.substr(0, eq));
    request.set_count(n);
    std::string new_text;
    FleetProgress progress(context.out(), ::isatty(STDOUT_FILENO));
    progress.set_file_listener([&](const std::string& text) { new_text = text; });
    int code = FollowFleetCall(
        context, "scale", *fleet,
        [&](AdminClient* admin, const dm::v1::FleetRequest& prepared,
            const OnMessage<dm::v1::FleetEvent>& on_event) {
          dm::v1::ScaleFleetRequest sent = request;
          *sent.mutable_fleet() = prepared;  // with what dmctl sent along (FollowFleetCall)
          return admin->ScaleFleet(sent, on_event);
        },
        progress);
    // The controller applied the new count (or part of it): the file says so either way.
    if (!new_text.empty() && !fleet->file_path().empty()) {
      if (absl::Status written = WriteFileAtomic(fleet->file_path(), new_text, 0644);
          !written.ok()) {
        context.err() << "dmctl scale: could not update " << fleet->file_path() << ": "
                      << written.message() << "\n";
        return kFailed;
      }
      context.out() << "scale: " << fleet->file_path() << " now says " << count_ << "\n";
    }
    return code;
  }

 private:
  std::string fleet_, count_;
};

}  // namespace

std::unique_ptr<Command> NewScale() { return std::make_unique<Scale>(); }

}  // namespace dm::dmctl
