#include "controller/fleet/live_fleet_world.h"

#include "common/files.h"
#include "common/status_macros.h"
#include "controller/setup/controller_pki.h"

#include "common/status_macros.h"
#include "controller/fleet/host_database.h"

namespace dm {
namespace {

HostDatabase On(const LiveFleetWorldParts& p, const DatabaseRef& database) {
  return HostDatabase(p.directory, p.tracker, database.host, database.name, database.owner);
}

}  // namespace

absl::StatusOr<std::vector<dm::v1::Server>> LiveFleetWorld::ListServers() {
  absl::StatusOr<std::vector<dm::v1::Server>> servers = p_.servers->List();
  if (servers.ok()) {
    // Every operation looks here first: the cloud servers' addresses are the ones the app's
    // git daemon for clouds lets in.
    std::vector<std::string> addresses;
    for (const dm::v1::Server& s : *servers) {
      if (s.provider() == "local") continue;
      addresses.push_back(s.address());
      if (s.private_address() != s.address()) addresses.push_back(s.private_address());
    }
    p_.apps->Allow(addresses);
  }
  return servers;
}

absl::StatusOr<dm::v1::Server> LiveFleetWorld::BootServer(const BootRequest& request,
                                                          const ProgressFn& progress) {
  ServerBoot boot;
  boot.name = request.name;
  boot.provider = request.provider;
  boot.role = request.role;
  boot.fleet = request.fleet;
  boot.image = request.image;
  boot.size = request.size;
  boot.region = request.region;
  boot.open_tcp_ports = request.open_tcp_ports;
  return p_.servers->Boot(boot, progress);
}

absl::StatusOr<BootstrapReport> LiveFleetWorld::Bootstrap(const std::string& server,
                                                          const StepReport& report) {
  return p_.servers->Bootstrap(server, report);
}

absl::Status LiveFleetWorld::DestroyServer(const std::string& server) {
  return p_.servers->Destroy(server);
}

absl::Status LiveFleetWorld::CheckProvider(const std::string& name) {
  return p_.servers->CheckProvider(name);
}

absl::StatusOr<std::string> LiveFleetWorld::AgentPackageVersion() {
  DM_ASSIGN_OR_RETURN(const AgentPackage* package, p_.servers->Package());
  return package->version;
}

std::string LiveFleetWorld::ControllerAddress() { return p_.servers->local_network_address(); }

absl::StatusOr<bool> LiveFleetWorld::AgentConnected(const std::string& name) {
  DM_ASSIGN_OR_RETURN(AgentView view, p_.directory->Get(name));
  return view.connected;
}

std::map<std::string, uint64_t> LiveFleetWorld::HostMemory() {
  std::map<std::string, uint64_t> memory;
  for (const AgentView& view : p_.directory->List()) {
    if (view.record.facts.memory_bytes() > 0) {
      memory[view.record.name] = view.record.facts.memory_bytes();
    }
  }
  return memory;
}

HostChecks LiveFleetWorld::ChecksOf(const std::string& host) {
  return p_.checks ? p_.checks(host) : HostChecks{};
}

absl::StatusOr<std::vector<ConvergeOutcome>> LiveFleetWorld::Converge(
    const std::vector<ConvergeTarget>& targets, const std::string& deploy_dir, bool dry_run,
    const ConvergeEventFn& on_event) {
  return p_.converger->Run(targets, dry_run, on_event, deploy_dir);
}

absl::StatusOr<std::string> LiveFleetWorld::DumpDatabase(const DatabaseRef& database) {
  return On(p_, database).Dump();
}

absl::Status LiveFleetWorld::RestoreDatabase(const DatabaseRef& database, std::string dump) {
  return On(p_, database).Restore(std::move(dump));
}

absl::StatusOr<RowCounts> LiveFleetWorld::CountRows(const DatabaseRef& database) {
  return On(p_, database).CountRows();
}

absl::StatusOr<std::string> LiveFleetWorld::SyncApp(const std::string& fleet,
                                                    const std::string& repository,
                                                    const std::string& revision) {
  return p_.apps->Sync(fleet, repository, revision);
}

absl::Status LiveFleetWorld::PinApp(const std::string& fleet, const std::string& commit) {
  return p_.apps->Pin(fleet, commit);
}

std::string LiveFleetWorld::AppUrl(const std::string& fleet, const std::string& provider) {
  return provider == "local" ? p_.apps->Url(fleet) : p_.apps->CloudUrl(fleet);
}

std::string LiveFleetWorld::PushedAppRepository(const std::string& fleet) {
  return p_.apps->PushedPath(fleet);
}

void LiveFleetWorld::RemoveApp(const std::string& fleet) { p_.apps->Remove(fleet); }

absl::StatusOr<HttpResponse> LiveFleetWorld::Fetch(const HttpRequest& request) {
  return p_.http->Send(request);
}

absl::StatusOr<TlsCredentials> LiveFleetWorld::HostCredentials(const std::string& name,
                                                               const std::string& address) {
  if (p_.ca == nullptr || p_.certificates_dir.empty()) {
    return absl::FailedPreconditionError("this controller issues no host certificates");
  }
  DM_RETURN_IF_ERROR(MakeDirectories(p_.certificates_dir, 0700));
  CertificateSpec spec;
  spec.kind = address.empty() ? CertificateKind::kClient : CertificateKind::kServer;
  spec.common_name = name;
  if (!address.empty()) spec.ip_addresses = {address};
  spec.not_before = p_.clock->Now();
  // One pair per name and address: a replaced server at another address gets its own.
  const std::string base =
      absl::StrCat(p_.certificates_dir, "/", name, "-", address.empty() ? "client" : address);
  DM_ASSIGN_OR_RETURN(auto pair,
                      LoadOrIssueLeaf(*p_.ca, base + ".crt", base + ".key", spec, p_.clock->Now()));
  return TlsCredentials{pair.first, pair.second, p_.ca->certificate().ToPem()};
}

}  // namespace dm
