// Time source, injectable so that token expiry, heartbeat windows and every wait of a fleet
// operation are tested without sleeping.
#ifndef DM_COMMON_CLOCK_H_
#define DM_COMMON_CLOCK_H_

#include <mutex>

#include "absl/base/thread_annotations.h"
#include "absl/time/time.h"

namespace dm {

// Thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;
  // Returns once `d` has passed on this clock.
  virtual void SleepFor(absl::Duration d) = 0;

  // The process-wide wall clock. Never null; not owned by the caller.
  static Clock* Real();
};

// A clock that moves only when told to, or by as much as a caller sleeps on it (so that a wait
// of a minute passes at once). Thread-safe.
class FakeClock : public Clock {
 public:
  explicit FakeClock(absl::Time start = absl::FromUnixSeconds(1'700'000'000)) : now_(start) {}
  absl::Time Now() const override;
  void SleepFor(absl::Duration d) override { Advance(d); }
  void Advance(absl::Duration d);
  void Set(absl::Time t);

 private:
  mutable std::mutex mu_;
  absl::Time now_ ABSL_GUARDED_BY(mu_);
};

}  // namespace dm

#endif  // DM_COMMON_CLOCK_H_
