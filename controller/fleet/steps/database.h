// The fleet's database: which host serves it, and its names there.
#ifndef DM_CONTROLLER_FLEET_STEPS_DATABASE_H_
#define DM_CONTROLLER_FLEET_STEPS_DATABASE_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "controller/fleet/fleet_env.h"
#include "controller/fleet/fleet_world.h"
#include "controller/fleet/model/fleet_file.h"
#include "controller/fleet/steps/inventory.h"

namespace dm {

// The host serving the fleet's database, with its agent connected. FailedPrecondition if the
// fleet has none or it is not up.
absl::StatusOr<const FleetHost*> DatabaseHost(const FleetEnv& env, const Inventory& inventory);

// The fleet's database on `host`: its name and owner from the fleet's attributes over the
// postgresql cookbook's defaults ("guestbook" when neither says).
DatabaseRef DatabaseOn(const FleetFile& file, const std::string& host);

// "entries=12, tags=3"
std::string DescribeRows(const RowCounts& rows);

}  // namespace dm

#endif  // DM_CONTROLLER_FLEET_STEPS_DATABASE_H_
