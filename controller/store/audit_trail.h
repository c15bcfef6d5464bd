// The audit trail: what changed, when, and about what (an agent enrolled, a fleet deployed, a
// backup pruned), appended to the Store's events for `dmctl events`.
#ifndef DM_CONTROLLER_STORE_AUDIT_TRAIL_H_
#define DM_CONTROLLER_STORE_AUDIT_TRAIL_H_

#include <string>

#include "common/clock.h"
#include "controller/store/store.h"

namespace dm {

// Thread-safe (the Store is). Neither pointer is owned.
class AuditTrail {
 public:
  AuditTrail(Store* store, Clock* clock) : store_(store), clock_(clock) {}

  // Appends an event. A failure to write it is logged, not returned: the change it records has
  // happened already, and failing the caller would only hide that. `subject` and `message` must
  // never carry a secret.
  void Record(const std::string& kind, const std::string& subject,
              const std::string& message) const;
  // The same with every field (fleet, outcome); the time is the clock's when unset.
  void Record(EventRecord event) const;

 private:
  Store* const store_;
  Clock* const clock_;
};

}  // namespace dm

#endif  // DM_CONTROLLER_STORE_AUDIT_TRAIL_H_
