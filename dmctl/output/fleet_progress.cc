#include "dmctl/output/fleet_progress.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/state_words.h"

namespace dm::dmctl {

void FleetProgress::Show(const dm::v1::FleetEvent& event) {
  const std::string host = event.host().empty() ? "(fleet)" : event.host();
  ++shown_;
  const dm::v1::StepStatus status = event.status();
  if (!event.file_text().empty() && file_listener_) file_listener_(event.file_text());
  if (status == dm::v1::STEP_CHANGED || status == dm::v1::STEP_PLANNED) ++changed_;
  if (status == dm::v1::STEP_FAILED) {
    failures_.push_back(absl::StrCat(host, ": ", event.phase(), ": ", event.message()));
  }
  std::string line;
  bool final = status != dm::v1::STEP_RUNNING;
  if (event.has_converge()) {
    const dm::v1::ConvergeEvent& c = event.converge();
    if (c.has_progress()) {
      const auto& p = c.progress();
      line = absl::StrFormat("converge [%d/%d] %s %s", p.done(), p.total(),
                             ResourceStatusWord(p.status()), p.resource());
    } else if (c.has_started()) {
      line = absl::StrCat("converge: started (run ", c.started().id(), ")");
    } else {
      return;  // the fleet operation reports the outcome itself
    }
    final = false;
  } else {
    line = absl::StrCat(event.phase(), ": ",
                        status == dm::v1::STEP_RUNNING ? "" : StepStatusWord(status),
                        status == dm::v1::STEP_RUNNING ? "" : ": ", event.message());
  }
  // Fleet-wide steps (app, dns) are few and each worth a line of its own.
  if (event.host().empty() && !tty_) {
    out_ << absl::StrFormat("%-26s %s\n", host, line) << std::flush;
    return;
  }
  lines_.Set(host, line, final);
}

}  // namespace dm::dmctl
