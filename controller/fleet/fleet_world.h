// Everything a fleet operation does outside the controller's own state, behind one narrow
// interface: servers booted, bootstrapped and destroyed (a provider and SSH), agents' liveness
// and facts and health checks, converges, commands on a host (the fleet's database), the app's
// source, DNS, and HTTP requests to the fleet's hosts (site and health checks).
//
// LiveFleetWorld (live_fleet_world.h) is the real one. testing/fake_fleet_world.h keeps a whole
// fleet in memory, so that every operation's decisions and failure paths are unit-tested without
// root, servers or waiting.
//
// Implementations are thread-safe: operations call them from parallel workers.
#ifndef DM_CONTROLLER_FLEET_FLEET_WORLD_H_
#define DM_CONTROLLER_FLEET_FLEET_WORLD_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "bootstrap/bootstrapper.h"
#include "common/http/http_client.h"
#include "controller/converge/converge_target.h"
#include "controller/providers/cloud_provider.h"
#include "controller/providers/dns/dns_provider.h"
#include "dm/v1/admin.pb.h"
#include "dm/v1/health.pb.h"

namespace dm {

struct BootRequest {
  std::string name;
  std::string provider;
  std::string role;
  std::string fleet;                // the fleet it belongs to: a later operation finds it by this
  std::string image, size, region;  // at a cloud provider; "" = its configured defaults
  std::vector<int> open_tcp_ports;  // a cloud firewall opens these besides SSH
};

// The fleet's PostgreSQL database on one host.
struct DatabaseRef {
  std::string host;   // its server (and agent) name
  std::string name;   // the database
  std::string owner;  // the application's role, which owns what a restore creates
};

// Rows per table ("entries" -> 12).
using RowCounts = std::map<std::string, int64_t>;

// A host's checks as its agent last reported them, and its health judged from them now
// (docs/health.md): lost when the agent has been silent too long.
struct HostChecks {
  dm::v1::HostHealth health = dm::v1::HOST_UNKNOWN;
  dm::v1::HealthReport report;
};

struct TlsCredentials {
  std::string cert_pem, key_pem, ca_pem;
};

class FleetWorld {
 public:
  virtual ~FleetWorld() = default;

  // --- servers ---
  // Every server the controller manages, with its provider's state and its agent's.
  virtual absl::StatusOr<std::vector<dm::v1::Server>> ListServers() = 0;
  // Boots a server and records it; returns once it accepts SSH. AlreadyExists if the name is
  // taken.
  virtual absl::StatusOr<dm::v1::Server> BootServer(const BootRequest& request,
                                                    const ProgressFn& progress) = 0;
  // Hardens the server over SSH and installs and starts its agent (idempotent). Returns once the
  // agent is connected.
  virtual absl::StatusOr<BootstrapReport> Bootstrap(const std::string& server,
                                                    const StepReport& report) = 0;
  // Destroys the server and removes its agent (its certificate is revoked).
  virtual absl::Status DestroyServer(const std::string& server) = 0;
  // OK when the controller has the cloud provider `name` (local, or one of --providers);
  // InvalidArgument naming the ones it has otherwise.
  virtual absl::Status CheckProvider(const std::string& name) = 0;
  // The version of the dm-agent package bootstrap installs now.
  virtual absl::StatusOr<std::string> AgentPackageVersion() = 0;
  // Where servers reach the controller's host ("" if unknown): app nodes admit its checks.
  virtual std::string ControllerAddress() = 0;

  // --- agents ---
  // True while the agent named `name` is connected. NotFound if there is no such agent.
  virtual absl::StatusOr<bool> AgentConnected(const std::string& name) = 0;
  // Each host's memory in bytes, as its agent reported it (hosts without facts are absent).
  virtual std::map<std::string, uint64_t> HostMemory() = 0;
  // The host's health checks (a deploy judges each node by them).
  virtual HostChecks ChecksOf(const std::string& host) = 0;

  // --- converges ---
  // Converges every target in parallel (see Converger::Run): one outcome per target, in order;
  // an error only when nothing could start.
  // `deploy_dir`: the fleet's roles and cookbooks.
  virtual absl::StatusOr<std::vector<ConvergeOutcome>> Converge(
      const std::vector<ConvergeTarget>& targets, const std::string& deploy_dir, bool dry_run,
      const ConvergeEventFn& on_event) = 0;

  // --- the fleet's database, through its host's agent ---
  virtual absl::StatusOr<std::string> DumpDatabase(const DatabaseRef& database) = 0;
  // Replaces the database's objects with the dump's, in one transaction: all or nothing.
  virtual absl::Status RestoreDatabase(const DatabaseRef& database, std::string dump) = 0;
  // Exact rows of every table.
  virtual absl::StatusOr<RowCounts> CountRows(const DatabaseRef& database) = 0;

  // --- the app's source (the controller's mirror of each fleet's repository) ---
  // Fetches `repository` and returns the commit `revision` names there.
  virtual absl::StatusOr<std::string> SyncApp(const std::string& fleet,
                                              const std::string& repository,
                                              const std::string& revision) = 0;
  // Keeps `commit` whatever the repository does later (rollback returns to it).
  virtual absl::Status PinApp(const std::string& fleet, const std::string& commit) = 0;
  // Where the fleet's servers fetch the app from; "" when the controller cannot serve it.
  // Where the fleet's servers fetch its app: on this machine's network for local servers, at
  // the controller's advertised address for a cloud's ("" when it serves them nowhere).
  virtual std::string AppUrl(const std::string& fleet, const std::string& provider) = 0;
  // Where dmctl pushed the fleet's app repository on the controller's side.
  virtual std::string PushedAppRepository(const std::string& fleet) = 0;
  virtual void RemoveApp(const std::string& fleet) = 0;

  // --- DNS ---
  // The DNS provider named `provider` ("local": the controller's own); nullptr when there is no
  // such provider (for "local": when the controller's DNS is off).
  virtual DnsProvider* Dns(const std::string& provider) = 0;
  // Where to ask the local one ("127.0.0.1:5300"), for status; "" when it is off.
  virtual std::string DnsServer() = 0;

  // --- TLS for services between the fleet's hosts (the lognode's journal-remote) ---
  // A certificate from the controller's CA for host `name`: a server's for `address` (its IP),
  // or a client's when `address` is "". The same one on every call until it nears expiry or the
  // address changes; with its key and the CA's certificate. Never the agent's own: a service
  // that holds one cannot speak for the agent.
  virtual absl::StatusOr<TlsCredentials> HostCredentials(const std::string& name,
                                                         const std::string& address) = 0;

  // --- HTTP to the fleet's hosts ---
  // A response with any status is OK; an error only when there was no response.
  virtual absl::StatusOr<HttpResponse> Fetch(const HttpRequest& request) = 0;
};

}  // namespace dm

#endif  // DM_CONTROLLER_FLEET_FLEET_WORLD_H_
