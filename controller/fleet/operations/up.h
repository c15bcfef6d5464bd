// dmctl up and dmctl plan: from a fleet file to a serving site, or what that would change.
//
// Up: secrets are generated once; the app's commit is resolved (and pinned) in the controller's
// mirror; the fleet is saved (file, secrets, commit) before anything changes; missing servers
// boot and every server not enrolled is bootstrapped, in parallel; hosts converge stage by stage
// with the wiring of FleetLayout; a backup is restored if asked; DNS points DOMAIN and
// www.DOMAIN at the load balancers; the site is fetched through each of them. A step that is
// done already changes nothing, so a second up changes nothing.
//
// A plan is the same run with `apply` off: every step takes the same decisions and reports them
// as "planned" instead of acting (converges are dry runs on the hosts), so that a plan and the
// up after it cannot disagree.
#ifndef DM_CONTROLLER_FLEET_OPERATIONS_UP_H_
#define DM_CONTROLLER_FLEET_OPERATIONS_UP_H_

#include <string>

#include "absl/status/statusor.h"
#include "controller/fleet/fleet_env.h"
#include "controller/fleet/fleet_events.h"
#include "controller/fleet/fleet_loader.h"

namespace dm {

struct UpOptions {
  bool apply = true;    // false: a plan
  std::string restore;  // a backup to restore once converged: "", "latest" or an id
};

class UpOperation {
 public:
  explicit UpOperation(const FleetEnv& env) : env_(env) {}

  // The caller holds the fleet (FleetLocks). On success the fleet serves what its file asks
  // for; on failure, the error names the step, and what was done stays done (a second up
  // resumes: nothing is booted twice).
  absl::Status Run(LoadedFleet& fleet, const UpOptions& options, const FleetEventFn& emit);

 private:
  // The commit the fleet runs after this up: a known fleet keeps its deployed commit until its
  // file asks for another revision (up is not a deploy; dmctl deploy moves it).
  absl::StatusOr<std::string> ResolveCommit(const LoadedFleet& fleet, bool apply,
                                            const FleetEventFn& emit);

  const FleetEnv env_;
};

}  // namespace dm

#endif  // DM_CONTROLLER_FLEET_OPERATIONS_UP_H_
