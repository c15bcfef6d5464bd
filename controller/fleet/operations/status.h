// dmctl status: each server the fleet has or wants (its role, what it serves, its provider's
// state, bootstrap, agent and latest converge) and its DNS records.
#ifndef DM_CONTROLLER_FLEET_OPERATIONS_STATUS_H_
#define DM_CONTROLLER_FLEET_OPERATIONS_STATUS_H_

#include "absl/status/statusor.h"
#include "controller/fleet/fleet_env.h"
#include "controller/fleet/fleet_loader.h"
#include "dm/v1/admin.pb.h"

namespace dm {

// Reads only; needs no claim on the fleet.
absl::StatusOr<dm::v1::FleetStatusResponse> FleetStatus(const FleetEnv& env,
                                                        const LoadedFleet& fleet);

}  // namespace dm

#endif  // DM_CONTROLLER_FLEET_OPERATIONS_STATUS_H_
