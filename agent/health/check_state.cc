#include "agent/health/check_state.h"

namespace dm::health {

const char* CheckStateWord(CheckState state) {
  switch (state) {
    case CheckState::kUnknown:
      return "unknown";
    case CheckState::kPassing:
      return "passing";
    case CheckState::kFailing:
      return "failing";
  }
  return "unknown";
}

bool CheckTracker::Record(bool passed, std::string output, absl::Time now) {
  status_.output = std::move(output);
  status_.last_run = now;
  CheckState seen = passed ? CheckState::kPassing : CheckState::kFailing;
  if (status_.state == seen) {
    streak_ = 0;
    return false;
  }
  ++streak_;
  int needed = !passed                                 ? status_.spec.fall
               : status_.state == CheckState::kUnknown ? 1
                                                       : status_.spec.rise;
  if (streak_ < needed) return false;
  status_.state = seen;
  status_.since = now;
  streak_ = 0;
  return true;
}

}  // namespace dm::health
