// Up's first steps: the servers a fleet lacks are booted, and every server not yet bootstrapped
// (or whose agent is older than this controller's, or does not come back) is bootstrapped, all
// in parallel. With `apply` false nothing changes: each step reports what it would do
// ("planned"), from the same decisions, so that a plan cannot disagree with the up after it.
#ifndef DM_CONTROLLER_FLEET_STEPS_PROVISION_H_
#define DM_CONTROLLER_FLEET_STEPS_PROVISION_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "controller/fleet/fleet_env.h"
#include "controller/fleet/fleet_events.h"
#include "controller/fleet/model/fleet_file.h"
#include "controller/fleet/steps/inventory.h"

namespace dm {

// How long a bootstrapped server's agent may take to reconnect (after a blip, a controller
// restart) before bootstrap runs again.
inline constexpr absl::Duration kAgentReconnectWait = absl::Seconds(10);

// Boots the desired hosts that have no server.
absl::Status BootMissing(const FleetEnv& env, const FleetFile& file, const Inventory& inventory,
                         bool apply, const FleetEventFn& emit);

// A host to bootstrap, and why.
struct PendingBootstrap {
  std::string host;
  std::string why;      // for a plan: "harden it and install its agent", ...
  std::string upgrade;  // "OLD -> NEW" when it is bootstrapped again for a newer agent
};
// The hosts bootstrap must run on: no server or not bootstrapped yet, an agent older than this
// controller's, or one that is not connected within `reconnect_wait`.
std::vector<PendingBootstrap> PendingBootstraps(const FleetEnv& env, const Inventory& inventory,
                                                absl::Duration reconnect_wait);

// Bootstraps the pending hosts (waiting kAgentReconnectWait for agents that are away).
absl::Status BootstrapPending(const FleetEnv& env, const Inventory& inventory, bool apply,
                              const FleetEventFn& emit);

// Both, then the inventory as it is now: every server booted, every agent connected (for a plan,
// as it was).
absl::StatusOr<Inventory> Provision(const FleetEnv& env, const FleetFile& file, bool apply,
                                    const FleetEventFn& emit);

}  // namespace dm

#endif  // DM_CONTROLLER_FLEET_STEPS_PROVISION_H_
