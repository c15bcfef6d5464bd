// Checks from outside the fleet, the way its users and its operator see it: the site through
// each load balancer, and the app on one host (healthy, and running the commit it should).
#ifndef DM_CONTROLLER_FLEET_STEPS_CHECKS_H_
#define DM_CONTROLLER_FLEET_STEPS_CHECKS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "controller/fleet/fleet_env.h"
#include "controller/fleet/fleet_events.h"
#include "controller/fleet/model/fleet_file.h"
#include "controller/fleet/model/fleet_layout.h"

namespace dm {

// How long a fresh app may take to answer through its load balancer (gunicorn starting).
inline constexpr absl::Duration kSiteWait = absl::Seconds(60);
// How long a restarted app may take to answer on its host.
inline constexpr absl::Duration kAppWait = absl::Seconds(45);

// Waits until every load balancer answers its own health check (/lb-health: this fleet's nginx
// configuration is live) and serves http://www.DOMAIN/ with 200, or with the maintenance page
// (503) when the fleet is in `maintenance`. Unavailable naming the load balancer and the last
// answer after kSiteWait.
absl::Status CheckSite(const FleetEnv& env, const FleetFile& file,
                       const std::vector<FleetHost>& hosts, bool maintenance,
                       const FleetEventFn& emit);

// Waits until the app on `host` answers /health and says it runs `commit` at /version (through
// nginx when the host balances itself). Unavailable with the last answer after kAppWait.
absl::Status CheckApp(const FleetEnv& env, const FleetHost& host, const std::string& commit,
                      const FleetEventFn& emit);

}  // namespace dm

#endif  // DM_CONTROLLER_FLEET_STEPS_CHECKS_H_
