#include "controller/fleet/operations/status.h"

#include "controller/fleet/steps/dns.h"

#include <set>

#include "common/status_macros.h"
#include "controller/fleet/steps/inventory.h"
#include "controller/store/record_protos.h"

namespace dm {
namespace {

const char* ServiceName(Service s) {
  switch (s) {
    case Service::kDatabase:
      return "database";
    case Service::kCache:
      return "cache";
    case Service::kApp:
      return "app";
    case Service::kLoadBalancer:
      return "loadbalancer";
    case Service::kTasks:
      return "tasks";
    case Service::kLogs:
      return "logs";
  }
  return "";
}

void Describe(const FleetEnv& env, const Inventory& inventory, const std::string& name,
              const std::string& role, dm::v1::FleetServer* out) {
  out->set_name(name);
  out->set_role(role);
  for (const FleetHost& host : inventory.hosts) {
    if (host.name != name) continue;
    for (Service s : host.provides) out->add_provides(ServiceName(s));
  }
  const dm::v1::Server* server = inventory.ServerOf(name);
  if (server == nullptr) {
    out->set_state(dm::v1::SERVER_ABSENT);
    return;
  }
  out->set_address(server->address());
  out->set_state(server->state());
  out->set_bootstrap(server->bootstrap());
  out->set_agent(server->agent());
  // The latest real converge: dry runs (plans) change nothing.
  absl::StatusOr<std::vector<RunRecord>> runs = env.store->ListRuns(name, 20);
  if (!runs.ok()) return;
  for (const RunRecord& run : *runs) {
    if (!run.dry_run) {
      *out->mutable_last_run() = ToProto(run);
      return;
    }
  }
}

}  // namespace

absl::StatusOr<dm::v1::FleetStatusResponse> FleetStatus(const FleetEnv& env,
                                                        const LoadedFleet& fleet) {
  DM_ASSIGN_OR_RETURN(Inventory inventory, TakeInventory(env, fleet.file));
  dm::v1::FleetStatusResponse response;
  response.set_fleet(fleet.file.name);
  response.set_domain(fleet.file.domain);
  response.set_commit(fleet.record.commit);
  response.set_file_path(fleet.record.file_path);
  if (!fleet.file.app.repository.empty()) response.set_app_name(fleet.file.app.name);
  std::set<std::string> listed;
  for (const FleetHost& host : inventory.hosts) {
    Describe(env, inventory, host.name, host.role, response.add_servers());
    listed.insert(host.name);
  }
  for (const auto& [name, server] : inventory.servers) {
    if (!listed.count(name)) Describe(env, inventory, name, server.role(), response.add_servers());
  }
  absl::StatusOr<DnsProvider*> provider = FleetDnsProvider(env, fleet.file);
  if (provider.ok() && *provider != nullptr) {
    DnsProvider* dns = *provider;
    if (fleet.file.dns.provider == "local") response.set_dns_server(env.world->DnsServer());
    absl::StatusOr<std::vector<DnsRecord>> records = dns->ListRecords(fleet.file.dns.zone);
    if (records.ok()) {
      for (const DnsRecord& r : *records) {
        // In a zone that is the operator's, the fleet's own names only.
        if (r.name != fleet.file.domain && r.name != "www." + fleet.file.domain) continue;
        dm::v1::DnsRecordView* view = response.add_dns();
        view->set_name(r.name);
        view->set_type(r.type);
        view->set_ttl(static_cast<uint32_t>(r.ttl));
        for (const std::string& v : r.values) view->add_values(v);
      }
    }
  }
  return response;
}

}  // namespace dm
