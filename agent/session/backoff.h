// Reconnect delays: exponential with jitter, so that a thousand agents cut off by a controller
// restart do not all come back in the same millisecond.
#ifndef DM_AGENT_SESSION_BACKOFF_H_
#define DM_AGENT_SESSION_BACKOFF_H_

#include <cstdint>
#include <functional>

#include "absl/time/time.h"

namespace dm {

class Backoff {
 public:
  // `random` returns a uniformly distributed value in [0, 1); injectable for tests.
  Backoff(absl::Duration initial, absl::Duration max, std::function<double()> random);

  // The next delay: uniformly random in [d/2, d] where d starts at `initial` and doubles each
  // call up to `max`.
  absl::Duration Next();
  // After a successful connection: start from `initial` again.
  void Reset();

 private:
  const absl::Duration initial_;
  const absl::Duration max_;
  std::function<double()> random_;
  absl::Duration current_;
};

}  // namespace dm

#endif  // DM_AGENT_SESSION_BACKOFF_H_
