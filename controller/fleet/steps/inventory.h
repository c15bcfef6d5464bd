// What a fleet has against what its file asks for: the desired hosts (with the addresses of
// those that exist) and the fleet's servers as the world reports them, surplus ones included.
#ifndef DM_CONTROLLER_FLEET_STEPS_INVENTORY_H_
#define DM_CONTROLLER_FLEET_STEPS_INVENTORY_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "controller/fleet/fleet_env.h"
#include "controller/fleet/model/fleet_file.h"
#include "controller/fleet/model/fleet_layout.h"
#include "dm/v1/admin.pb.h"

namespace dm {

struct Inventory {
  std::vector<FleetHost> hosts;                   // the file's, in its order
  std::map<std::string, dm::v1::Server> servers;  // the fleet's, by name

  // The server of `host`, or nullptr when it has none yet.
  const dm::v1::Server* ServerOf(const std::string& host) const;
  // True when `name` is one of the desired hosts.
  bool Wants(const std::string& name) const;
};

absl::StatusOr<Inventory> TakeInventory(const FleetEnv& env, const FleetFile& file);

// How long an operation waits for a host's agent to come back (after a blip, a busy machine, a
// restarted controller) before it gives up on the host.
inline constexpr absl::Duration kAgentWait = absl::Seconds(30);

// True once `name`'s agent is connected (at once if it is); false after `timeout`, or at once
// when there is no such agent.
bool WaitForAgent(const FleetEnv& env, const std::string& name, absl::Duration timeout);

// "OLD -> NEW" when `server` was bootstrapped with another dm-agent package than the one this
// controller installs (bootstrapping it again upgrades it), else "".
std::string AgentUpgrade(const FleetEnv& env, const dm::v1::Server& server);

}  // namespace dm

#endif  // DM_CONTROLLER_FLEET_STEPS_INVENTORY_H_
