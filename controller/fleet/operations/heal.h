// What self-healing does to a fleet (docs/health.md), as fleet operations: the healer
// (controller/health/healer.h) decides, these act, each while holding the fleet like any other
// operation.
//
// - Reconverge: one host converged to its role again, wired as up wires it (repairs drift: a
//   damaged config file, a removed package).
// - SetOutOfService: the load balancers send to every app node but these; kept in the fleet's
//   record, so that every later converge keeps them out until the healer lets them back.
// - Replace: a new server boots in the place of `host` (named to alternate with it:
//   shop-appnode-2 <-> shop-appnode-2r), is bootstrapped, converged and wired in by up (load
//   balancers, database clients, DNS when a load balancer moved; the newest backup restored when
//   it holds the database), and only then is `host` destroyed and its agent revoked. The new
//   name is saved before anything boots, so a controller that dies half-way resumes the same
//   replacement instead of booting a twin.
#ifndef DM_CONTROLLER_FLEET_OPERATIONS_HEAL_H_
#define DM_CONTROLLER_FLEET_OPERATIONS_HEAL_H_

#include <set>
#include <string>

#include "absl/status/status.h"
#include "controller/fleet/fleet_env.h"
#include "controller/fleet/fleet_events.h"
#include "controller/fleet/fleet_loader.h"

namespace dm {

class HealOperations {
 public:
  explicit HealOperations(const FleetEnv& env) : env_(env) {}

  // The caller holds the fleet. NotFound if `host` is not one of its servers.
  absl::Status Reconverge(LoadedFleet& fleet, const std::string& host, const FleetEventFn& emit);
  absl::Status SetOutOfService(LoadedFleet& fleet, const std::set<std::string>& out,
                               const FleetEventFn& emit);
  // `note` receives what is worth saying about it (the backup restored and its time).
  absl::Status Replace(LoadedFleet& fleet, const std::string& host, const FleetEventFn& emit,
                       std::string* note);

 private:
  const FleetEnv env_;
};

}  // namespace dm

#endif  // DM_CONTROLLER_FLEET_OPERATIONS_HEAL_H_
