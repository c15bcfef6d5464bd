// dmctl scale: a role's count rewritten in the fleet's file (in place, comments kept), then the
// file applied as up would. Servers the new count leaves out are first taken out of the wiring
// (the load balancers stop sending to them, the database stops admitting them; nginx reloads
// gracefully, so requests under way finish), then destroyed.
#ifndef DM_CONTROLLER_FLEET_OPERATIONS_SCALE_H_
#define DM_CONTROLLER_FLEET_OPERATIONS_SCALE_H_

#include <string>

#include "absl/status/status.h"
#include "controller/fleet/fleet_env.h"
#include "controller/fleet/fleet_events.h"
#include "controller/fleet/fleet_loader.h"

namespace dm {

class ScaleOperation {
 public:
  explicit ScaleOperation(const FleetEnv& env) : env_(env) {}

  // The caller holds the fleet. The new file text is reported (phase "file") before anything
  // changes. NotFound for a role the file lacks; InvalidArgument for no app server left.
  absl::Status Run(LoadedFleet& fleet, const std::string& role, int count,
                   const FleetEventFn& emit);

 private:
  const FleetEnv env_;
};

}  // namespace dm

#endif  // DM_CONTROLLER_FLEET_OPERATIONS_SCALE_H_
