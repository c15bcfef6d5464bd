#include "controller/fleet/fleet_locks.h"

#include "absl/strings/str_cat.h"

namespace dm {

FleetLocks::Claim::~Claim() {
  std::lock_guard<std::mutex> lock(locks_->mu_);
  locks_->held_.erase(fleet_);
}

absl::StatusOr<std::unique_ptr<FleetLocks::Claim>> FleetLocks::Acquire(const std::string& fleet) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!held_.insert(fleet).second) {
    return absl::FailedPreconditionError(
        absl::StrCat("fleet '", fleet,
                     "' is busy: another operation (up, deploy, split, a backup...) is running; "
                     "try again when it ends"));
  }
  return std::make_unique<Claim>(this, fleet);
}

bool FleetLocks::IsHeld(const std::string& fleet) const {
  std::lock_guard<std::mutex> lock(mu_);
  return held_.count(fleet) > 0;
}

}  // namespace dm
