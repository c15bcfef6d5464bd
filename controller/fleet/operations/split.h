// dmctl split: the seed's growth path, one server's roles onto servers of their own.
//
// First step: a dbappbalancer becomes an appbalancer and a dbserver, without losing a row:
//   1. the two new servers boot, are bootstrapped and converged (the app against the new, empty
//      database: nobody sees it yet);
//   2. the old server shows the maintenance page (downtime starts: nobody writes any more);
//   3. its database is dumped, restored into the new dbserver in one transaction, and the rows
//      of every table counted on both sides: any difference stops the split, and the old server
//      serves again as before;
//   4. DNS points at the new appbalancer, which must serve the site (downtime ends);
//   5. the fleet's file says appbalancer + dbserver; the old server stays in maintenance for
//      clients that still have its address, then is destroyed.
//
// Second step: an appbalancer becomes a loadbalancer and an appnode, so that app nodes can then
// be scaled behind their own load balancer. No data moves (the database is on its dbserver
// already), so there is no maintenance:
//   1. the new servers boot, are bootstrapped and converged; meanwhile the database admits the
//      old server and the new app node both, and the new load balancer sends to the new node;
//   2. DNS points at the new load balancer, which must serve the site;
//   3. the file says loadbalancer + appnode; the old server keeps serving clients that still
//      have its address, is destroyed, and the database forgets it.
#ifndef DM_CONTROLLER_FLEET_OPERATIONS_SPLIT_H_
#define DM_CONTROLLER_FLEET_OPERATIONS_SPLIT_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "controller/fleet/fleet_env.h"
#include "controller/fleet/fleet_events.h"
#include "controller/fleet/fleet_loader.h"
#include "controller/fleet/steps/inventory.h"

namespace dm {

class SplitOperation {
 public:
  explicit SplitOperation(const FleetEnv& env) : env_(env) {}

  // The caller holds the fleet. `keep_old`: how long the old server stays after DNS moved (at
  // least the records' TTL in production). FailedPrecondition when there is nothing to split or
  // the fleet is not up; on a failure after downtime started, the old server serves again and
  // the error says so.
  absl::Status Run(LoadedFleet& fleet, absl::Duration keep_old, const FleetEventFn& emit);

 private:
  absl::Status SplitDatabase(LoadedFleet& old, const FleetRole& role, absl::Duration keep_old,
                             const FleetEventFn& emit);
  absl::Status SplitBalancer(LoadedFleet& old, const FleetRole& role, absl::Duration keep_old,
                             const FleetEventFn& emit);
  // The one server of `role`, up.
  absl::StatusOr<FleetHost> ServerToSplit(const LoadedFleet& fleet, const Inventory& inventory,
                                          const std::string& role);
  // The fleet with `role` renamed `renamed` and `added: 1` beside it, validated before anything
  // changes and reported with the new file text.
  absl::StatusOr<LoadedFleet> SplitLayout(const LoadedFleet& old, const FleetRole& role,
                                          const std::string& renamed, const std::string& added,
                                          const FleetEventFn& emit);

  // Saves the fleet as `split`, then destroys `old_server` once `keep_old` has passed (clients
  // that still have its address reach it, `meanwhile`, until then).
  absl::Status Replace(LoadedFleet& split, const std::string& old_server,
                       const std::string& meanwhile, absl::Duration keep_old,
                       const FleetEventFn& emit);

  const FleetEnv env_;
};

}  // namespace dm

#endif  // DM_CONTROLLER_FLEET_OPERATIONS_SPLIT_H_
