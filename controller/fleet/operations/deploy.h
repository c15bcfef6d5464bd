// dmctl deploy / rollback: a new app commit rolled out one app node at a time. Each node leaves
// the load balancers (when another node can serve meanwhile), converges to the new commit (the
// first node runs the migrations), must answer /health with the new commit at /version, must pass
// its role's health checks for a settle window (steps/health_gate.h) while the nodes that moved
// before it keep passing theirs, and rejoins. A node that fails stops the rollout and every node
// that moved goes back, so one revision, the old one, keeps serving. Once every node runs the new
// commit, the load balancers' static files follow, and the healer watches the fleet for the
// deploy's watch window (controller/health/healer.h).
#ifndef DM_CONTROLLER_FLEET_OPERATIONS_DEPLOY_H_
#define DM_CONTROLLER_FLEET_OPERATIONS_DEPLOY_H_

#include <string>

#include "absl/status/status.h"
#include "controller/fleet/fleet_env.h"
#include "controller/fleet/fleet_events.h"
#include "controller/fleet/fleet_loader.h"

namespace dm {

struct DeployOptions {
  std::string revision;   // branch, tag or commit; "": the fleet file's
  bool rollback = false;  // to the commit deployed before the current one instead
  // The healer's return to the last healthy commit: to exactly `commit` (already in the mirror),
  // every node moving whatever its checks say (going back is the remedy; there is nothing better
  // to go back to), for `cause`.
  std::string commit;
  std::string cause;
};

class DeployOperation {
 public:
  explicit DeployOperation(const FleetEnv& env) : env_(env) {}

  // The caller holds the fleet. FailedPrecondition for a fleet never up, a rollback without an
  // earlier deploy, or a host that is not up; Aborted when the rollout stopped (the old commit
  // serves again on every node that moved, and the fleet's record keeps it).
  absl::Status Run(LoadedFleet& fleet, const DeployOptions& options, const FleetEventFn& emit);

 private:
  void Audit(const LoadedFleet& fleet, const std::string& kind, const std::string& outcome,
             const std::string& message) const;

  const FleetEnv env_;
};

}  // namespace dm

#endif  // DM_CONTROLLER_FLEET_OPERATIONS_DEPLOY_H_
