// One check's state from its results: a state changes only after `fall` failures (or `rise`
// passes) in a row, so one slow answer does not make a host unhealthy, and one lucky answer
// does not make it healthy. A fresh check passes at its first pass (it has no state to keep),
// but fails only after `fall` failures like any other: its service may just have been started
// by the converge that brought the check, and needs a moment to listen.
#ifndef DM_AGENT_HEALTH_CHECK_STATE_H_
#define DM_AGENT_HEALTH_CHECK_STATE_H_

#include <string>

#include "absl/time/time.h"
#include "agent/health/check_spec.h"

namespace dm::health {

enum class CheckState { kUnknown, kPassing, kFailing };
const char* CheckStateWord(CheckState state);  // "unknown", "passing", "failing"

// A check's standing, as the agent reports it.
struct CheckStatus {
  CheckSpec spec;
  CheckState state = CheckState::kUnknown;
  absl::Time since = absl::InfinitePast();  // when the state last changed
  std::string output;                       // the latest result's (a failure's reason)
  absl::Time last_run = absl::InfinitePast();
};

class CheckTracker {
 public:
  explicit CheckTracker(CheckSpec spec) { status_.spec = std::move(spec); }

  // Records one result at `now`; true when the check's state changed.
  bool Record(bool passed, std::string output, absl::Time now);

  const CheckStatus& status() const { return status_; }
  // True while the latest results disagree with a known state: a change is on its way, and the
  // next result should come soon (HealthMonitor retries sooner than the interval).
  bool Changing() const { return streak_ > 0 && status_.state != CheckState::kUnknown; }
  const CheckSpec& spec() const { return status_.spec; }

 private:
  CheckStatus status_;
  int streak_ = 0;  // results in a row that disagree with the state
};

}  // namespace dm::health

#endif  // DM_AGENT_HEALTH_CHECK_STATE_H_
