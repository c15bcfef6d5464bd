// Database backups: dmctl backup create|list|restore, dmctl up --restore, and the scheduler's.
// A backup is the database host's pg_dump, taken through its agent and kept in the controller's
// object store as FLEET/TIMESTAMP.dump with FLEET/TIMESTAMP.json beside it (rows per table, the
// app commit, the size). So backups live off the fleet's servers: every server can be destroyed
// and the fleet rebuilt from the latest one.
#ifndef DM_CONTROLLER_FLEET_OPERATIONS_BACKUPS_H_
#define DM_CONTROLLER_FLEET_OPERATIONS_BACKUPS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "controller/fleet/fleet_env.h"
#include "controller/fleet/fleet_events.h"
#include "controller/fleet/fleet_loader.h"
#include "controller/fleet/model/backup_schedule.h"
#include "controller/fleet/steps/inventory.h"
#include "dm/v1/admin.pb.h"

namespace dm {

class BackupOperations {
 public:
  explicit BackupOperations(const FleetEnv& env) : env_(env) {}

  // Dumps the fleet's database (rows counted first: a busy site may add rows in between, never
  // remove them) and stores it with its description. FailedPrecondition without a backup store
  // or a database that is up.
  absl::StatusOr<dm::v1::Backup> Take(const LoadedFleet& fleet, const Inventory& inventory,
                                      const FleetEventFn& emit);
  // The fleet's backups, oldest first.
  absl::StatusOr<std::vector<dm::v1::Backup>> List(const std::string& fleet);
  // Restores backup `wanted` ("" or "latest": the newest) under maintenance, in one transaction,
  // and counts the rows; the maintenance state is as before afterwards. NotFound naming the
  // store when there is no such backup; on failure the database is as it was.
  absl::Status Restore(LoadedFleet& fleet, const Inventory& inventory, const std::string& wanted,
                       const FleetEventFn& emit);
  // Deletes the backups beyond the file's `keep`, oldest first; each deletion is audited.
  void Prune(const FleetFile& file);
  // The fleet's backups and when each was stored, from the store's listing alone (one request,
  // however many backups).
  absl::StatusOr<std::vector<BackupEntry>> Times(const std::string& fleet);

 private:
  const FleetEnv env_;
};

}  // namespace dm

#endif  // DM_CONTROLLER_FLEET_OPERATIONS_BACKUPS_H_
