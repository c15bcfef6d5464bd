// dmctl maintenance FLEET on|off: the load balancers answer every request but their health
// check with the maintenance page (503), or serve the site again (steps/maintenance.h).
#ifndef DM_CONTROLLER_FLEET_OPERATIONS_MAINTENANCE_H_
#define DM_CONTROLLER_FLEET_OPERATIONS_MAINTENANCE_H_

#include "absl/status/status.h"
#include "controller/fleet/fleet_env.h"
#include "controller/fleet/fleet_events.h"
#include "controller/fleet/fleet_loader.h"

namespace dm {

class MaintenanceOperation {
 public:
  explicit MaintenanceOperation(const FleetEnv& env) : env_(env) {}

  // The caller holds the fleet. FailedPrecondition for a fleet never up.
  absl::Status Run(LoadedFleet& fleet, bool on, const FleetEventFn& emit);

 private:
  const FleetEnv env_;
};

}  // namespace dm

#endif  // DM_CONTROLLER_FLEET_OPERATIONS_MAINTENANCE_H_
