// One operation per fleet at a time: a second one is refused, not queued (an operator who runs
// two ups at once meant one of them; the scheduler tries again on its next tick).
#ifndef DM_CONTROLLER_FLEET_FLEET_LOCKS_H_
#define DM_CONTROLLER_FLEET_FLEET_LOCKS_H_

#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"

namespace dm {

// Thread-safe.
class FleetLocks {
 public:
  // Holds a fleet for its scope.
  class Claim {
   public:
    Claim(FleetLocks* locks, std::string fleet) : locks_(locks), fleet_(std::move(fleet)) {}
    ~Claim();
    Claim(const Claim&) = delete;
    Claim& operator=(const Claim&) = delete;

   private:
    FleetLocks* const locks_;
    const std::string fleet_;
  };

  // The fleet held until the claim goes; FailedPrecondition if another operation holds it.
  absl::StatusOr<std::unique_ptr<Claim>> Acquire(const std::string& fleet);
  bool IsHeld(const std::string& fleet) const;

 private:
  mutable std::mutex mu_;
  std::set<std::string> held_ ABSL_GUARDED_BY(mu_);
};

}  // namespace dm

#endif  // DM_CONTROLLER_FLEET_FLEET_LOCKS_H_
