// What every fleet operation works with: the controller's state, the world outside it, where
// backups go, and the time. Plain pointers, none owned: the controller (or a test) owns them
// and outlives every operation.
#ifndef DM_CONTROLLER_FLEET_FLEET_ENV_H_
#define DM_CONTROLLER_FLEET_FLEET_ENV_H_

#include <string>

#include "absl/status/statusor.h"
#include "common/clock.h"
#include "controller/deploy_trees/deploy_tree_store.h"
#include "controller/fleet/fleet_world.h"
#include "controller/providers/storage/object_store.h"
#include "controller/store/audit_trail.h"
#include "controller/store/store.h"

namespace dm {

class StorageSet;

struct FleetEnv {
  Store* store = nullptr;               // fleets' records and runs
  FleetWorld* world = nullptr;          // servers, agents, converges, DNS, HTTP
  ObjectStore* backups = nullptr;       // database backups; nullptr: this controller takes none
  const StorageSet* storage = nullptr;  // --providers' object stores (fleets' media); may be null
  Clock* clock = nullptr;
  const AuditTrail* audit = nullptr;
  std::string deploy_dir;  // cookbooks/ and roles/; "" when the controller has none
  // The deploy folders dmctl sent with fleets; nullptr: none accepted.
  DeployTreeStore* trees = nullptr;
};

// Where the fleet of `record` finds its roles and cookbooks: the tree dmctl sent with it, else
// the controller's --deploy-dir. FailedPrecondition when there is neither.
absl::StatusOr<std::string> DeployDirOf(const FleetEnv& env, const FleetRecord& record);

}  // namespace dm

#endif  // DM_CONTROLLER_FLEET_FLEET_ENV_H_
