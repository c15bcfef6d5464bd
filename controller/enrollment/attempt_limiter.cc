#include "controller/enrollment/attempt_limiter.h"

#include <algorithm>
#include <vector>

namespace dm {

void AttemptLimiter::Refill(Allowance* allowance, absl::Time now) const {
  double refilled = absl::FDivDuration(now - allowance->updated, kRefill) * kFailuresAllowed;
  allowance->failures_left =
      std::min(kFailuresAllowed, allowance->failures_left + std::max(refilled, 0.0));
  allowance->updated = now;
}

AttemptLimiter::Admission AttemptLimiter::Admit(const std::string& address) {
  absl::Time now = clock_->Now();
  std::lock_guard<std::mutex> lock(mu_);
  auto it = by_address_.find(address);
  if (it == by_address_.end()) return {};
  Allowance& allowance = it->second;
  Refill(&allowance, now);
  // A run of refusals ends (and the next one gets an event) once the address has been quiet
  // long enough to get its whole allowance back, not with each attempt the refill lets through.
  if (allowance.failures_left >= kFailuresAllowed) allowance.refusing = false;
  if (allowance.failures_left >= 1) return {};
  Admission refused;
  refused.allowed = false;
  refused.retry_after = kRefill * ((1 - allowance.failures_left) / kFailuresAllowed);
  refused.first_refusal = !allowance.refusing;
  allowance.refusing = true;
  return refused;
}

void AttemptLimiter::RecordFailure(const std::string& address) {
  absl::Time now = clock_->Now();
  std::lock_guard<std::mutex> lock(mu_);
  if (by_address_.size() >= kMaxAddresses && by_address_.count(address) == 0) ForgetSome(now);
  auto [it, added] = by_address_.try_emplace(address);
  if (added) it->second.updated = now;
  Refill(&it->second, now);
  it->second.failures_left -= 1;
  it->second.last_failure = now;
}

void AttemptLimiter::ForgetSome(absl::Time now) {
  for (auto it = by_address_.begin(); it != by_address_.end();) {
    Refill(&it->second, now);
    it = it->second.failures_left >= kFailuresAllowed ? by_address_.erase(it) : std::next(it);
  }
  if (by_address_.size() < kMaxAddresses) return;
  // Still full of addresses failing now: forget the quietest tenth.
  std::vector<std::pair<absl::Time, std::string>> quiet;
  for (const auto& [address, allowance] : by_address_)
    quiet.emplace_back(allowance.last_failure, address);
  size_t drop = quiet.size() / 10 + 1;
  std::nth_element(quiet.begin(), quiet.begin() + drop - 1, quiet.end());
  for (size_t i = 0; i < drop; ++i) by_address_.erase(quiet[i].second);
}

}  // namespace dm
