// A fleet's names: DOMAIN and www.DOMAIN point at its load balancers (A records, TTL 60).
#ifndef DM_CONTROLLER_FLEET_STEPS_DNS_H_
#define DM_CONTROLLER_FLEET_STEPS_DNS_H_

#include <vector>

#include "absl/status/status.h"
#include "controller/fleet/fleet_env.h"
#include "controller/fleet/fleet_events.h"
#include "controller/fleet/model/fleet_file.h"
#include "controller/fleet/model/fleet_layout.h"
#include "controller/providers/dns/dns_provider.h"

namespace dm {

// The records the fleet should have, from its load balancers' addresses (none before any has
// one).
std::vector<DnsRecord> WantedRecords(const FleetFile& file, const std::vector<FleetHost>& hosts);

// Sets each wanted record that differs (with DNS off, nothing). A plan says which would change,
// or, while load balancers have no address yet, that the names will point at them.
absl::Status PointDns(const FleetEnv& env, const FleetFile& file,
                      const std::vector<FleetHost>& hosts, bool apply, const FleetEventFn& emit);

}  // namespace dm

#endif  // DM_CONTROLLER_FLEET_STEPS_DNS_H_
