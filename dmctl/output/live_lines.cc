#include "dmctl/output/live_lines.h"

#include "absl/strings/str_format.h"

namespace dm::dmctl {

void LiveLines::Set(const std::string& host, const std::string& line, bool final) {
  bool fresh = lines_.find(host) == lines_.end();
  if (fresh) order_.push_back(host);
  lines_[host] = line;
  if (tty_) {
    Redraw();
  } else if (fresh || final) {
    out_ << absl::StrFormat("%-26s %s\n", host, line) << std::flush;
  }
}

void LiveLines::Redraw() {
  if (drawn_ > 0) out_ << "\033[" << drawn_ << "A";  // back to the first line
  for (const std::string& host : order_)
    out_ << "\r\033[K" << absl::StrFormat("%-26s %s", host, lines_[host]) << "\n";
  drawn_ = order_.size();
  out_ << std::flush;
}

}  // namespace dm::dmctl
