// Converging a fleet's hosts with the wiring of FleetLayout: the context every host's attributes
// are computed from, one set of hosts in parallel, or the whole fleet stage by stage (database,
// cache, app, load balancer; a later stage only when the earlier ones converged).
#ifndef DM_CONTROLLER_FLEET_STEPS_CONVERGE_HOSTS_H_
#define DM_CONTROLLER_FLEET_STEPS_CONVERGE_HOSTS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "controller/fleet/fleet_env.h"
#include "controller/fleet/fleet_events.h"
#include "controller/fleet/fleet_loader.h"
#include "controller/fleet/model/fleet_layout.h"
#include "controller/fleet/steps/inventory.h"

namespace dm {

// What the controller adds to the fleet's file to converge it at `commit`: where servers fetch
// the app, the generated secrets, its own address, maintenance, each host's memory.
absl::StatusOr<FleetContext> ContextFor(const FleetEnv& env, const LoadedFleet& fleet,
                                        const std::string& commit);

// Converges `hosts` (names, all in `inventory`) in parallel. Aborted naming every host that did
// not converge and why (each also reported as a failed event).
absl::Status ConvergeHosts(const FleetEnv& env, const FleetFile& file, const Inventory& inventory,
                           const FleetContext& context, const std::vector<std::string>& hosts,
                           const FleetEventFn& emit);

// Converges `names` (hosts of `inventory`, wired with all of it) stage by stage; a failed stage
// leaves later ones as they were.
absl::Status ConvergeStages(const FleetEnv& env, const FleetFile& file, const Inventory& inventory,
                            const FleetContext& context, const std::vector<std::string>& names,
                            const FleetEventFn& emit);

// Converges every host of `inventory`, stage by stage; a failed stage leaves later ones as they
// were. A plan (`apply` false) dry-runs every host on the host itself when all are up (exactly
// what would change, with diffs in dmctl runs show), else says each would converge.
absl::Status ConvergeInOrder(const FleetEnv& env, const FleetFile& file, const Inventory& inventory,
                             const FleetContext& context, bool apply, const FleetEventFn& emit);

}  // namespace dm

#endif  // DM_CONTROLLER_FLEET_STEPS_CONVERGE_HOSTS_H_
