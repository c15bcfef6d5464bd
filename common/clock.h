// Time source, injectable so that token expiry and heartbeat windows are tested without sleeping.
#ifndef DM_COMMON_CLOCK_H_
#define DM_COMMON_CLOCK_H_

#include <mutex>

#include "absl/time/time.h"

namespace dm {

// Thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;

  // The process-wide wall clock. Never null; not owned by the caller.
  static Clock* Real();
};

// A clock that moves only when told to. Thread-safe.
class FakeClock : public Clock {
 public:
  explicit FakeClock(absl::Time start = absl::FromUnixSeconds(1'700'000'000)) : now_(start) {}
  absl::Time Now() const override;
  void Advance(absl::Duration d);
  void Set(absl::Time t);

 private:
  mutable std::mutex mu_;
  absl::Time now_;
};

}  // namespace dm

#endif  // DM_COMMON_CLOCK_H_
