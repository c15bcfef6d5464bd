// The maintenance page: a fleet's load balancers answer every request but their health check
// with it (503), or serve the site again. The state is kept with the fleet, so that a later up
// does not turn it off behind the operator's back.
#ifndef DM_CONTROLLER_FLEET_STEPS_MAINTENANCE_H_
#define DM_CONTROLLER_FLEET_STEPS_MAINTENANCE_H_

#include "absl/status/status.h"
#include "controller/fleet/fleet_env.h"
#include "controller/fleet/fleet_events.h"
#include "controller/fleet/fleet_loader.h"
#include "controller/fleet/steps/inventory.h"

namespace dm {

// Saves the state with the fleet, converges its load balancers, and waits until each answers
// accordingly (nginx reloads gracefully: old workers may answer a moment longer). Unavailable
// when a load balancer still answers the other way after 20 seconds.
absl::Status SetMaintenance(const FleetEnv& env, LoadedFleet& fleet, const Inventory& inventory,
                            bool on, const FleetEventFn& emit);

}  // namespace dm

#endif  // DM_CONTROLLER_FLEET_STEPS_MAINTENANCE_H_
