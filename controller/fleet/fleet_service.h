// The fleet operations as the admin API offers them (dmctl status, plan, up, scale, deploy,
// rollback, split, maintenance, backup and down): each loads the fleet the request names,
// claims it (one operation per fleet at a time; status, plan and listing backups claim
// nothing), and runs its operation (operations/). Events go to `on_event` as they happen.
//
// Thread-safe: the RPC layer calls it from many threads.
#ifndef DM_CONTROLLER_FLEET_FLEET_SERVICE_H_
#define DM_CONTROLLER_FLEET_FLEET_SERVICE_H_

#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "controller/fleet/fleet_env.h"
#include "controller/fleet/fleet_events.h"
#include "controller/fleet/fleet_loader.h"
#include "controller/fleet/fleet_locks.h"
#include "dm/v1/admin.pb.h"

namespace dm {

class FleetService {
 public:
  explicit FleetService(const FleetEnv& env) : env_(env), loader_(env) {}

  absl::StatusOr<dm::v1::FleetStatusResponse> Status(const dm::v1::FleetRequest& request);
  // Reports every change up would make ("planned"), changing nothing.
  absl::Status Plan(const dm::v1::FleetRequest& request, const FleetEventFn& on_event);
  absl::Status Up(const dm::v1::FleetRequest& request, const FleetEventFn& on_event);
  absl::Status Down(const dm::v1::FleetRequest& request, const FleetEventFn& on_event);
  absl::Status Scale(const dm::v1::ScaleFleetRequest& request, const FleetEventFn& on_event);
  absl::Status Deploy(const dm::v1::DeployFleetRequest& request, const FleetEventFn& on_event);
  absl::Status Maintenance(const dm::v1::MaintenanceRequest& request, const FleetEventFn& on_event);
  absl::Status Backup(const dm::v1::FleetRequest& request, const FleetEventFn& on_event);
  absl::StatusOr<std::vector<dm::v1::Backup>> ListBackups(const dm::v1::FleetRequest& request);
  absl::Status Restore(const dm::v1::RestoreRequest& request, const FleetEventFn& on_event);
  absl::Status Split(const dm::v1::SplitRequest& request, const FleetEventFn& on_event);

  // Self-healing (operations/heal.h), for the healer: each claims the fleet, and fails at once
  // (FailedPrecondition) when an operation holds it.
  absl::Status HealReconverge(const std::string& fleet, const std::string& host);
  absl::Status HealOutOfService(const std::string& fleet, const std::set<std::string>& out);
  // `note`: the backup restored, for a database server.
  absl::Status HealReplace(const std::string& fleet, const std::string& host, std::string* note);
  // Back to `commit` (the last healthy one) on every app node: the deploy watch's remedy.
  absl::Status HealRollback(const std::string& fleet, const std::string& commit,
                            const std::string& cause);
  // dmctl heal FLEET on|off. Returns the fleet's name.
  absl::StatusOr<std::string> SetHealing(const dm::v1::FleetRequest& request, bool on);

  // Shared with the backup scheduler.
  FleetLocks* locks() { return &locks_; }

 private:
  const FleetEnv env_;
  const FleetLoader loader_;
  FleetLocks locks_;
};

}  // namespace dm

#endif  // DM_CONTROLLER_FLEET_FLEET_SERVICE_H_
