// A whole fleet's world in memory, for the fleet operations' unit tests. Servers boot at once
// with addresses 10.0.0.N; bootstrap connects their agents; a converge remembers each host's
// attributes, and from them what the host serves: its nginx (upstreams, maintenance page), its
// app (which commit, healthy or not) and its database (rows per table). HTTP answers, DNS and
// the app's repository follow from that state, so an operation is judged by what a user would
// see, not by which calls it made. Each host's health checks follow from it too: an app node's
// fail while it runs a broken (or sickening) commit, any host is lost while its agent is not
// connected. Failures are injected by name.
//
// Thread-safe.
#ifndef DM_CONTROLLER_FLEET_TESTING_FAKE_FLEET_WORLD_H_
#define DM_CONTROLLER_FLEET_TESTING_FAKE_FLEET_WORLD_H_

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "common/clock.h"
#include "controller/fleet/fleet_world.h"
#include "nlohmann/json.hpp"

namespace dm {

// DNS zones in memory, with DnsProvider's contract.
class FakeDns : public DnsProvider {
 public:
  std::string name() const override { return "fake"; }
  absl::Status EnsureZone(const std::string& zone) override;
  absl::StatusOr<std::vector<DnsRecord>> ListRecords(const std::string& zone) override;
  absl::Status SetRecord(const std::string& zone, const DnsRecord& record) override;
  absl::Status DeleteRecord(const std::string& zone, const std::string& name,
                            const std::string& type) override;
  absl::Status DeleteZone(const std::string& zone) override;

  // The values of `name`'s A record, or none.
  std::vector<std::string> Addresses(const std::string& name);
  int writes();  // SetRecord calls that changed something

 private:
  std::mutex mu_;
  std::map<std::string, std::vector<DnsRecord>> zones_ ABSL_GUARDED_BY(mu_);
  int writes_ ABSL_GUARDED_BY(mu_) = 0;
};

class FakeFleetWorld : public FleetWorld {
 public:
  // `clock` times the hosts' health (a sickening app); it outlives the world.
  explicit FakeFleetWorld(Clock* clock);

  // --- the world as a test sets it up ---
  // The app repository: `revision` names `commit` (from then on).
  void SetRevision(const std::string& revision, const std::string& commit);
  // "" : the controller has no network to serve the app on.
  void SetAppUrlBase(const std::string& base);
  void SetAgentPackage(const std::string& version);
  void DisableDns();
  // The next BootServer of `host` fails with `why` (the server is not made).
  void FailNextBoot(const std::string& host, absl::Status why);
  // A cloud provider the controller has (besides local): its servers get a public address
  // 203.0.113.N and a private one 192.168.0.N.
  void AddCloud(const std::string& name);
  // The next BootServer of `host` at a cloud stops half-way, as when the controller died: the
  // server is recorded, still creating, and the call fails.
  void CutNextBootShort(const std::string& host);
  // Every Bootstrap of `host` fails with `why` until cleared with OkStatus().
  void FailBootstrap(const std::string& host, absl::Status why);
  // A converge of `host` (any host when "") to app commit `commit` fails, as a cookbook would.
  void FailConvergeAt(const std::string& host, const std::string& commit);
  // The app answers /health with 500 while it runs `commit` (a revision that does not start).
  void BreakApp(const std::string& commit);
  // The app answers /health and /version while it runs `commit`, but its role's checks fail once
  // it has run it for `after` (a revision that leaks, or fails a check other than /health).
  void SickenApp(const std::string& commit, absl::Duration after);
  // The next restore loses `rows` rows of its first table (a restore that goes wrong).
  void LoseRowsOnNextRestore(int64_t rows);
  void SetAgentConnected(const std::string& host, bool connected);
  void SetRows(const std::string& host, const RowCounts& rows);

  // --- what tests look at ---
  bool Exists(const std::string& host);
  std::vector<std::string> ServerNames();
  int Boots(const std::string& host);  // servers made under this name
  // The last BootServer asked for `host`.
  BootRequest LastBoot(const std::string& host);
  // The deploy folder the last converge was sent with.
  std::string LastDeployDir();
  int Bootstraps(const std::string& host);  // Bootstrap calls that ran
  // The attributes of the host's last successful (not dry) converge; null when none.
  nlohmann::json AttributesOf(const std::string& host);
  // The app commit the host runs ("" when it runs none).
  std::string CommitOn(const std::string& host);
  // Where the host's nginx sends requests ("ADDRESS:PORT").
  std::vector<std::string> UpstreamsOf(const std::string& host);
  bool MaintenancePageOn(const std::string& host);
  RowCounts RowsOn(const std::string& host);
  std::string AddressOf(const std::string& host);
  // Real (not dry) converges of the host.
  int Converges(const std::string& host);
  // The attributes of each of the host's successful converges, oldest first.
  std::vector<nlohmann::json> ConvergeHistory(const std::string& host);
  std::string PinnedCommit(const std::string& fleet);
  FakeDns& fake_dns() { return dns_; }
  // A DNS provider of the controller's --providers named `name` (made on first use).
  FakeDns& named_dns(const std::string& name);

  // --- FleetWorld ---
  absl::StatusOr<std::vector<dm::v1::Server>> ListServers() override;
  absl::StatusOr<dm::v1::Server> BootServer(const BootRequest& request,
                                            const ProgressFn& progress) override;
  absl::StatusOr<BootstrapReport> Bootstrap(const std::string& server,
                                            const StepReport& report) override;
  absl::Status DestroyServer(const std::string& server) override;
  absl::Status CheckProvider(const std::string& name) override;
  std::string PushedAppRepository(const std::string& fleet) override {
    return "/controller/apps/pushed/" + fleet + ".git";
  }
  absl::StatusOr<std::string> AgentPackageVersion() override;
  std::string ControllerAddress() override { return "10.0.0.1"; }
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
  DnsProvider* Dns(const std::string& provider) override;
  std::string DnsServer() override;
  // "cert of NAME at ADDRESS", its key and "ca": what a converge passes on, not real PEM.
  absl::StatusOr<TlsCredentials> HostCredentials(const std::string& name,
                                                 const std::string& address) override;
  absl::StatusOr<HttpResponse> Fetch(const HttpRequest& request) override;

 private:
  struct Server {
    dm::v1::Server view;  // name, role, fleet, address, state
    bool bootstrapped = false;
    bool agent = false;  // enrolled
    bool connected = false;
    std::string agent_package;
    nlohmann::json attributes;  // of the last successful converge
    std::vector<nlohmann::json> history;
    RowCounts rows;
    int converges = 0;
    absl::Time app_since = absl::InfinitePast();  // when it started running its commit
  };

  Server* Find(const std::string& name) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  Server* FindByAddress(const std::string& address) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // What `server` answers on `port` for `path`.
  HttpResponse Answer(const Server& server, int port, const std::string& path)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  HttpResponse AppAnswer(const Server& server, const std::string& path)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  ConvergeOutcome ConvergeOne(const ConvergeTarget& target, bool dry_run)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  std::mutex mu_;
  std::map<std::string, Server> servers_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, int> boots_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, int> bootstraps_ ABSL_GUARDED_BY(mu_);
  int next_address_ ABSL_GUARDED_BY(mu_) = 10;
  int next_run_ ABSL_GUARDED_BY(mu_) = 1;
  std::map<std::string, std::string> revisions_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::string> pinned_ ABSL_GUARDED_BY(mu_);
  std::string app_url_base_ ABSL_GUARDED_BY(mu_) = "git://10.0.0.1:9418/";
  std::string agent_package_ ABSL_GUARDED_BY(mu_) = "0.1.0+test";
  std::map<std::string, absl::Status> failing_boots_ ABSL_GUARDED_BY(mu_);
  std::set<std::string> clouds_ ABSL_GUARDED_BY(mu_);
  std::set<std::string> cut_short_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, BootRequest> last_boots_ ABSL_GUARDED_BY(mu_);
  std::string last_deploy_dir_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, absl::Status> failing_bootstraps_ ABSL_GUARDED_BY(mu_);
  std::set<std::pair<std::string, std::string>> failing_converges_ ABSL_GUARDED_BY(mu_);
  std::set<std::string> broken_commits_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, absl::Duration> sickening_commits_ ABSL_GUARDED_BY(mu_);
  Clock* const clock_;
  int64_t rows_lost_on_restore_ ABSL_GUARDED_BY(mu_) = 0;
  bool dns_on_ ABSL_GUARDED_BY(mu_) = true;
  FakeDns dns_;
  std::map<std::string, std::unique_ptr<FakeDns>> named_dns_ ABSL_GUARDED_BY(mu_);
};

}  // namespace dm

#endif  // DM_CONTROLLER_FLEET_TESTING_FAKE_FLEET_WORLD_H_
