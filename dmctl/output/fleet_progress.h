// Shows a fleet operation's events (dmctl up, plan, down) as they come: one live line per host
// on a terminal, a line per step elsewhere, and remembers what failed for the summary.
#ifndef DM_DMCTL_OUTPUT_FLEET_PROGRESS_H_
#define DM_DMCTL_OUTPUT_FLEET_PROGRESS_H_

#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "dm/v1/admin.pb.h"
#include "dmctl/output/live_lines.h"

namespace dm::dmctl {

class FleetProgress {
 public:
  FleetProgress(std::ostream& out, bool tty) : lines_(out, tty), out_(out), tty_(tty) {}

  void Show(const dm::v1::FleetEvent& event);
  // Called with the fleet file's new text when the controller changed it (scale).
  void set_file_listener(std::function<void(const std::string&)> listener) {
    file_listener_ = std::move(listener);
  }

  int changed() const { return changed_; }
  bool shown_any() const { return shown_ > 0; }
  const std::vector<std::string>& failures() const { return failures_; }

 private:
  LiveLines lines_;
  std::ostream& out_;
  bool tty_;
  int changed_ = 0;
  int shown_ = 0;
  std::vector<std::string> failures_;
  std::function<void(const std::string&)> file_listener_;
};

}  // namespace dm::dmctl

#endif  // DM_DMCTL_OUTPUT_FLEET_PROGRESS_H_
