// A deploy's judgement of each node by its role's health checks (docs/health.md), on top of
// CheckApp's /health and /version: a node that moved must pass its checks for a settle window
// before the next one moves, and the nodes that moved before it must keep passing meanwhile.
#ifndef DM_CONTROLLER_FLEET_STEPS_HEALTH_GATE_H_
#define DM_CONTROLLER_FLEET_STEPS_HEALTH_GATE_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "controller/fleet/fleet_env.h"
#include "controller/fleet/fleet_events.h"

namespace dm {

// Each check's state by name, as a host reported it.
using CheckStates = std::map<std::string, dm::v1::CheckState>;
CheckStates StatesOf(const dm::v1::HealthReport& report);

// How long a moved node is watched: `configured` when set (the fleet file's deploy.settle), else
// long enough for every check to fail `fall` (or pass `rise`) times in a row after the converge
// (the agent runs them all when it ends), plus a second for the report to travel; at least 5 s.
// Checks of 5 s, 2/2 and a 3 s timeout: 9 s.
absl::Duration SettleWindow(const dm::v1::HealthReport& report, absl::Duration configured);

// "http[...] (GET ...: status 500); service[...]": the critical checks failing, with output.
std::string FailingChecks(const dm::v1::HealthReport& report);

// True when none of `hosts` is unhealthy or lost: the commit they run may be gone back to.
bool NoneFailing(const FleetEnv& env, const std::vector<std::string>& hosts);

struct GateRequest {
  std::string host;                  // the node that moved
  absl::Time converged;              // when its converge finished
  absl::Duration settle;             // the fleet file's deploy.settle (zero: from the checks)
  std::vector<std::string> earlier;  // nodes that moved before it, which must stay healthy
};

// Watches the node until its settle window has passed; called once the app answers (CheckApp).
// Unavailable, naming the failing checks, as soon as a check that passed when the watch began
// fails, its agent is lost, or an earlier node turns unhealthy; at the window's end, while a
// critical check still fails or no check has reported. (A check may be failing when the watch
// begins: it ran while the restarted app was starting. It has the window to pass again.)
// A node whose role declares no checks passes at once (CheckApp judged it).
absl::Status AwaitHealthyChecks(const FleetEnv& env, const GateRequest& request,
                                const FleetEventFn& emit);

}  // namespace dm

#endif  // DM_CONTROLLER_FLEET_STEPS_HEALTH_GATE_H_
