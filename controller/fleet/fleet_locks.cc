#include "controller/fleet/fleet_locks.h"

#include "absl/strings/str_cat.h"

namespace dm {

FleetLocks::Claim::~Claim() {
  {
    std::lock_guard<std::mutex> lock(locks_->mu_);
    locks_->held_.erase(fleet_);
  }
  locks_->released_.notify_all();
}

absl::Status FleetLocks::Busy(const std::string& fleet, const Holder& holder) const {
  return absl::FailedPreconditionError(absl::StrCat(
      "fleet '", fleet, "' is busy: ",
      holder.what.empty() ? "another operation (up, deploy, split, a backup...)" : holder.what,
      " is running; try again when it ends"));
}

absl::StatusOr<std::unique_ptr<FleetLocks::Claim>> FleetLocks::Acquire(const std::string& fleet) {
  std::unique_lock<std::mutex> lock(mu_);
  auto held = held_.find(fleet);
  if (held != held_.end() && held->second.healing) {
    ++waiting_[fleet];
    released_.wait_for(lock, absl::ToChronoNanoseconds(healing_wait_),
                       [&] { return held_.count(fleet) == 0; });
    if (--waiting_[fleet] == 0) waiting_.erase(fleet);
    held = held_.find(fleet);
  }
  if (held != held_.end()) return Busy(fleet, held->second);
  held_[fleet] = Holder{};
  return std::make_unique<Claim>(this, fleet);
}

absl::StatusOr<std::unique_ptr<FleetLocks::Claim>> FleetLocks::AcquireForHealing(
    const std::string& fleet, const std::string& what) {
  std::lock_guard<std::mutex> lock(mu_);
  if (auto held = held_.find(fleet); held != held_.end()) return Busy(fleet, held->second);
  if (waiting_.count(fleet)) {
    return absl::FailedPreconditionError(
        absl::StrCat("fleet '", fleet, "': an operation waits for it; healing waits its turn"));
  }
  held_[fleet] = Holder{true, what};
  return std::make_unique<Claim>(this, fleet);
}

bool FleetLocks::IsHeld(const std::string& fleet) const {
  std::lock_guard<std::mutex> lock(mu_);
  return held_.count(fleet) > 0;
}

}  // namespace dm
