#include "agent/session/backoff.h"

#include <algorithm>

namespace dm {

Backoff::Backoff(absl::Duration initial, absl::Duration max, std::function<double()> random)
    : initial_(initial), max_(max), random_(std::move(random)), current_(initial) {}

absl::Duration Backoff::Next() {
  absl::Duration d = current_;
  current_ = std::min(current_ * 2, max_);
  return d / 2 + (d / 2) * random_();
}

void Backoff::Reset() { current_ = initial_; }

}  // namespace dm
