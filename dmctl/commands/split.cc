// dmctl split FLEET [--keep-old SECONDS]
//
// Turns the fleet's dbappbalancer into an appbalancer and a separate dbserver: the database moves
// under maintenance with its rows counted before and after, DNS follows, and the downtime is
// reported. When FLEET is a file, it is rewritten to say appbalancer + dbserver.
#include <unistd.h>

#include "common/files.h"
#include "dmctl/command.h"
#include "dmctl/fleet_request.h"
#include "dmctl/fleet_stream.h"

namespace dm::dmctl {
namespace {

class Split : public Command {
 public:
  std::vector<std::string> Path() const override { return {"split"}; }
  std::string Synopsis() const override {
    return "Move the database of a dbappbalancer to a server of its own (appbalancer + dbserver)";
  }
  void AddFlags(Flags& flags) override {
    flags.Add("fleet", &fleet_, "The fleet file (updated in place) or the fleet's name").Required();
    flags.Add("--keep-old", &keep_old_,
              "Seconds the old server stays in maintenance after DNS moved (default 60: the "
              "records' TTL)");
  }
  int Run(Context& context) override {
    absl::StatusOr<dm::v1::FleetRequest> fleet = FleetRequestFor(fleet_);
    if (!fleet.ok()) return context.Fail(fleet.status());
    dm::v1::SplitRequest request;
    *request.mutable_fleet() = *fleet;
    if (keep_old_ >= 0) request.set_keep_old_seconds(static_cast<uint32_t>(keep_old_));
    std::string new_text;
    FleetProgress progress(context.out(), ::isatty(STDOUT_FILENO));
    progress.set_file_listener([&](const std::string& text) { new_text = text; });
    int code = FollowFleetCall(
        context, "split", *fleet,
        [&](AdminClient* admin, const dm::v1::FleetRequest& prepared,
            const OnMessage<dm::v1::FleetEvent>& on_event) {
          dm::v1::SplitRequest sent = request;
          *sent.mutable_fleet() = prepared;  // with what dmctl sent along (FollowFleetCall)
          return admin->SplitFleet(sent, on_event);
        },
        progress);
    // Only a split that went through changes the file: a stopped one left the fleet as it was.
    if (code == kOk && !new_text.empty() && !fleet->file_path().empty()) {
      if (absl::Status written = WriteFileAtomic(fleet->file_path(), new_text, 0644);
          !written.ok()) {
        context.err() << "dmctl split: could not update " << fleet->file_path() << ": "
                      << written.message() << "\n";
        return kFailed;
      }
      context.out() << "split: " << fleet->file_path() << " now says appbalancer + dbserver\n";
    }
    return code;
  }

 private:
  std::string fleet_;
  int keep_old_ = -1;
};

}  // namespace

std::unique_ptr<Command> NewSplit() { return std::make_unique<Split>(); }

}  // namespace dm::dmctl
