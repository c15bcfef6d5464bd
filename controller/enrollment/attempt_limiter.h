// Failed enrollment attempts, counted per address, so that guessing join tokens costs a caller
// time and cannot fill the audit trail. An address may fail kFailuresAllowed times at once; the
// allowance then comes back at kFailuresAllowed per kRefill. Past it, the address's attempts are
// refused before the token is looked at. Successful enrollments cost nothing: a fleet behind one
// address enrolls whole.
//
// Thread-safe.
#ifndef DM_CONTROLLER_ENROLLMENT_ATTEMPT_LIMITER_H_
#define DM_CONTROLLER_ENROLLMENT_ATTEMPT_LIMITER_H_

#include <mutex>
#include <string>
#include <unordered_map>

#include "absl/base/thread_annotations.h"
#include "absl/time/time.h"
#include "common/clock.h"

namespace dm {

class AttemptLimiter {
 public:
  static constexpr double kFailuresAllowed = 20;
  static constexpr absl::Duration kRefill = absl::Minutes(1);
  // Addresses remembered at most; past it, those back to their full allowance are forgotten
  // first, then the longest quiet ones.
  static constexpr size_t kMaxAddresses = 100000;

  explicit AttemptLimiter(Clock* clock) : clock_(clock) {}

  // What happens to an attempt from an address.
  struct Admission {
    bool allowed = true;
    // When refused: how long until the next attempt may be made, and whether this is the first
    // refusal since the address last had its whole allowance (to record one event per run of
    // refusals, not one per attempt).
    absl::Duration retry_after;
    bool first_refusal = false;
  };
  Admission Admit(const std::string& address);
  // Counts a failed attempt against `address`.
  void RecordFailure(const std::string& address);

 private:
  struct Allowance {
    double failures_left = kFailuresAllowed;
    absl::Time updated;
    absl::Time last_failure;
    bool refusing = false;
  };
  // Brings `allowance` up to now; requires mu_.
  void Refill(Allowance* allowance, absl::Time now) const;
  void ForgetSome(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  Clock* const clock_;
  std::mutex mu_;
  std::unordered_map<std::string, Allowance> by_address_ ABSL_GUARDED_BY(mu_);
};

}  // namespace dm

#endif  // DM_CONTROLLER_ENROLLMENT_ATTEMPT_LIMITER_H_
