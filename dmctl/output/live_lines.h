// Live progress for commands that work on several hosts at once (converge, up): one line per
// host, redrawn in place on a terminal; elsewhere (logs, pipes) a line when a host first shows
// up and one each time its state is final, so the output stays readable.
#ifndef DM_DMCTL_OUTPUT_LIVE_LINES_H_
#define DM_DMCTL_OUTPUT_LIVE_LINES_H_

#include <map>
#include <ostream>
#include <string>
#include <vector>

namespace dm::dmctl {

class LiveLines {
 public:
  LiveLines(std::ostream& out, bool tty) : out_(out), tty_(tty) {}

  // Sets `host`'s line; `final`: a state worth keeping in a log.
  void Set(const std::string& host, const std::string& line, bool final);

 private:
  void Redraw();

  std::ostream& out_;
  bool tty_;
  std::vector<std::string> order_;
  std::map<std::string, std::string> lines_;
  size_t drawn_ = 0;
};

}  // namespace dm::dmctl

#endif  // DM_DMCTL_OUTPUT_LIVE_LINES_H_
