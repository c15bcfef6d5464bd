// dmctl down: destroys the fleet's servers (their agents removed, certificates revoked), its DNS
// zone and its app mirror, and forgets it. Backups stay in the object store.
#ifndef DM_CONTROLLER_FLEET_OPERATIONS_DOWN_H_
#define DM_CONTROLLER_FLEET_OPERATIONS_DOWN_H_

#include "absl/status/status.h"
#include "controller/fleet/fleet_env.h"
#include "controller/fleet/fleet_events.h"
#include "controller/fleet/fleet_loader.h"

namespace dm {

class DownOperation {
 public:
  explicit DownOperation(const FleetEnv& env) : env_(env) {}

  // The caller holds the fleet. Servers go in parallel; if one cannot be destroyed the fleet is
  // kept (a second down retries what is left).
  absl::Status Run(const LoadedFleet& fleet, const FleetEventFn& emit);

 private:
  const FleetEnv env_;
};

}  // namespace dm

#endif  // DM_CONTROLLER_FLEET_OPERATIONS_DOWN_H_
