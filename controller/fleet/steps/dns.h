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

// The fleet's DNS provider (its file's dns.provider); nullptr when it is `local` and the
// controller's DNS is off. FailedPrecondition for a provider the controller does not have.
absl::StatusOr<DnsProvider*> FleetDnsProvider(const FleetEnv& env, const FleetFile& file);

// Removes the fleet's names: with the controller's own DNS, the zone it made for the domain;
// at a named provider, where the zone is the operator's, only DOMAIN's and www.DOMAIN's A records.
absl::Status RemoveDns(const FleetEnv& env, const FleetFile& file, const FleetEventFn& emit);

// Sets each wanted record that differs (with DNS off, nothing). A plan says which would change,
// or, while load balancers have no address yet, that the names will point at them.
absl::Status PointDns(const FleetEnv& env, const FleetFile& file,
                      const std::vector<FleetHost>& hosts, bool apply, const FleetEventFn& emit);

}  // namespace dm

#endif  // DM_CONTROLLER_FLEET_STEPS_DNS_H_
