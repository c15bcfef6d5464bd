// What every fleet operation works with: the controller's state, the world outside it, where
// backups go, and the time. Plain pointers, none owned: the controller (or a test) owns them
// and outlives every operation.
#ifndef DM_CONTROLLER_FLEET_FLEET_ENV_H_
#define DM_CONTROLLER_FLEET_FLEET_ENV_H_

#include <string>

#include "common/clock.h"
#include "controller/fleet/fleet_world.h"
#include "controller/providers/storage/object_store.h"
#include "controller/store/audit_trail.h"
#include "controller/store/store.h"

namespace dm {

struct FleetEnv {
  Store* store = nullptr;          // fleets' records and runs
  FleetWorld* world = nullptr;     // servers, agents, converges, DNS, HTTP
  ObjectStore* backups = nullptr;  // database backups; nullptr: this controller takes none
  Clock* clock = nullptr;
  const AuditTrail* audit = nullptr;
  std::string deploy_dir;  // cookbooks/ and roles/; "" when the controller has none
};

}  // namespace dm

#endif  // DM_CONTROLLER_FLEET_FLEET_ENV_H_
