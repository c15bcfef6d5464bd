// The FleetWorld of a running controller: servers through the ServerManager (providers and SSH
// bootstrap), agents through the AgentDirectory, converges through the Converger, the database
// through commands on its host's agent, the app through the AppMirror, DNS through a DnsProvider,
// HTTP through libcurl.
#ifndef DM_CONTROLLER_FLEET_LIVE_FLEET_WORLD_H_
#define DM_CONTROLLER_FLEET_LIVE_FLEET_WORLD_H_

#include <functional>
#include <string>

#include "common/clock.h"
#include "common/tls/certificate_authority.h"
#include "controller/agents/agent_directory.h"
#include "controller/commands/command_tracker.h"
#include "controller/converge/converger.h"
#include "controller/fleet/app_mirror.h"
#include "controller/fleet/fleet_world.h"
#include "controller/providers/providers_config.h"
#include "controller/servers/server_manager.h"

namespace dm {

// None of the pointers is owned; all outlive this.
struct LiveFleetWorldParts {
  ServerManager* servers = nullptr;
  AgentDirectory* directory = nullptr;
  Converger* converger = nullptr;
  CommandTracker* tracker = nullptr;  // commands on hosts (database dumps and restores)
  AppMirror* apps = nullptr;
  DnsProvider* dns = nullptr;                 // the controller's own (`local`); nullptr: it is off
  const DnsProviderSet* named_dns = nullptr;  // those of --providers
  std::string dns_server;                     // where to ask it ("127.0.0.1:5300")
  HttpClient* http = nullptr;
  // The controller's CA, and where the server certificates it issues for fleets' hosts are kept.
  const CertificateAuthority* ca = nullptr;
  std::string certificates_dir;
  Clock* clock = nullptr;
  // Hosts' health checks (the controller's HealthBoard); unset: every host is unknown.
  std::function<HostChecks(const std::string&)> checks;
};

class LiveFleetWorld : public FleetWorld {
 public:
  explicit LiveFleetWorld(LiveFleetWorldParts parts) : p_(std::move(parts)) {}

  absl::StatusOr<std::vector<dm::v1::Server>> ListServers() override;
  absl::StatusOr<dm::v1::Server> BootServer(const BootRequest& request,
                                            const ProgressFn& progress) override;
  absl::StatusOr<BootstrapReport> Bootstrap(const std::string& server,
                                            const StepReport& report) override;
  absl::Status DestroyServer(const std::string& server) override;
  absl::Status CheckProvider(const std::string& name) override;
  std::string PushedAppRepository(const std::string& fleet) override;
  absl::StatusOr<std::string> AgentPackageVersion() override;
  std::string ControllerAddress() override;

  absl::StatusOr<bool> AgentConnected(const std::string& name) override;
  std::map<std::string, uint64_t> HostMemory() override;
  HostChecks ChecksOf(const std::string& host) override;

  absl::StatusOr<std::vector<ConvergeOutcome>> Converge(const std::vector<ConvergeTarget>& targets,
                                                        const std::string& deploy_dir, bool dry_run,
                                                        const ConvergeEventFn& on_event) override;

  absl::StatusOr<std::string> DumpDatabase(const DatabaseRef& database) override;
  absl::Status RestoreDatabase(const DatabaseRef& database, std::string dump) override;
  absl::StatusOr<RowCounts> CountRows(const DatabaseRef& database) override;

  absl::StatusOr<std::string> SyncApp(const std::string& fleet, const std::string& repository,
                                      const std::string& revision) override;
  absl::Status PinApp(const std::string& fleet, const std::string& commit) override;
  std::string AppUrl(const std::string& fleet, const std::string& provider) override;
  void RemoveApp(const std::string& fleet) override;

  DnsProvider* Dns(const std::string& provider) override {
    if (provider == "local") return p_.dns;
    return p_.named_dns == nullptr ? nullptr : p_.named_dns->Find(provider);
  }
  std::string DnsServer() override { return p_.dns == nullptr ? "" : p_.dns_server; }
  absl::StatusOr<TlsCredentials> HostCredentials(const std::string& name,
                                                 const std::string& address) override;

  absl::StatusOr<HttpResponse> Fetch(const HttpRequest& request) override;

 private:
  const LiveFleetWorldParts p_;
};

}  // namespace dm

#endif  // DM_CONTROLLER_FLEET_LIVE_FLEET_WORLD_H_
