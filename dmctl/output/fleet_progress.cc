#include "dmctl/output/fleet_progress.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace dm::dmctl {

void FleetProgress::Show(const dm::v1::FleetEvent& event) {
  const std::string host = event.host().empty() ? "(fleet)" : event.host();
  ++shown_;
  const std::string& status = event.status();
  if (!event.file_text().empty() && file_listener_) file_listener_(event.file_text());
  if (status == "changed" || status == "planned") ++changed_;
  if (status == "failed")
    failures_.push_back(absl::StrCat(host, ": ", event.phase(), ": ", event.message()));
  std::string line;
  bool final = status != "running";
  if (event.has_converge()) {
    const dm::v1::ConvergeEvent& c = event.converge();
    if (c.has_progress()) {
      const auto& p = c.progress();
      line =
          absl::StrFormat("converge [%d/%d] %s %s", p.done(), p.total(), p.status(), p.resource());
    } else if (c.has_started()) {
      line = absl::StrCat("converge: started (run ", c.started().id(), ")");
    } else {
      return;  // the reconciler reports the outcome itself
    }
    final = false;
  } else {
    line = absl::StrCat(event.phase(), ": ", status == "running" ? "" : status + ": ",
                        event.message());
  }
  // Fleet-wide steps (app, dns) are few and each worth a line of its own.
  if (event.host().empty() && !tty_) {
    out_ << absl::StrFormat("%-26s %s\n", host, line) << std::flush;
    return;
  }
  lines_.Set(host, line, final);
}

}  // namespace dm::dmctl
