// One operation per fleet at a time: a second one is refused, not queued (an operator who runs
// two ups at once meant one of them; the scheduler tries again on its next tick). Self-healing's
// work is the exception: it is short, and an operator's command should not fail because the
// healer was putting a node back into the load balancers. An operation waits a while for healing
// to end, and while one waits, healing takes nothing new.
#ifndef DM_CONTROLLER_FLEET_FLEET_LOCKS_H_
#define DM_CONTROLLER_FLEET_FLEET_LOCKS_H_

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace dm {

// Thread-safe.
class FleetLocks {
 public:
  // How long an operation waits for self-healing's work on its fleet to end.
  explicit FleetLocks(absl::Duration healing_wait = absl::Minutes(3))
      : healing_wait_(healing_wait) {}

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

  // For an operation: the fleet held until the claim goes. Waits for self-healing's work to end
  // (at most healing_wait); FailedPrecondition, naming the holder, if another operation holds it.
  absl::StatusOr<std::unique_ptr<Claim>> Acquire(const std::string& fleet);
  // For self-healing, `what` it does ("self-healing: reconverging shop-appnode-1"): never waits;
  // FailedPrecondition while anything holds the fleet or an operation waits for it.
  absl::StatusOr<std::unique_ptr<Claim>> AcquireForHealing(const std::string& fleet,
                                                           const std::string& what);
  bool IsHeld(const std::string& fleet) const;

 private:
  struct Holder {
    bool healing = false;
    std::string what;
  };

  absl::Status Busy(const std::string& fleet, const Holder& holder) const;

  const absl::Duration healing_wait_;
  mutable std::mutex mu_;
  std::condition_variable released_;
  std::map<std::string, Holder> held_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, int> waiting_ ABSL_GUARDED_BY(mu_);  // operations waiting, by fleet
};

}  // namespace dm

#endif  // DM_CONTROLLER_FLEET_FLEET_LOCKS_H_
