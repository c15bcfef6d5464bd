// Brings fleets to what their files ask for, and keeps them there: the heart of dmctl status,
// plan, up (fleet_up.cc), scale, deploy/rollback, split, maintenance, backup and down (one file
// per operation beside this one).
//
// up: the app's commit is resolved (and pinned) in the controller's mirror; the fleet is saved
// (file, generated secrets, commit) before anything changes; missing servers boot and every
// server not yet enrolled is bootstrapped, in parallel; then hosts converge stage by stage
// (database, cache, app, load balancer; each stage in parallel) with the wiring of FleetLayout;
// DNS points DOMAIN and www.DOMAIN at the load balancers; the site is fetched through them.
// Each step is skipped when it is done already, so a second up changes nothing.
//
// Thread-safe; one operation per fleet at a time (a second one is refused, not queued).
#ifndef DM_CONTROLLER_FLEET_FLEET_RECONCILER_H_
#define DM_CONTROLLER_FLEET_FLEET_RECONCILER_H_

#include <condition_variable>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "common/http/http_client.h"
#include "controller/agents/agent_directory.h"
#include "controller/converge/converger.h"
#include "controller/fleet/app_mirror.h"
#include "controller/fleet/backup_schedule.h"
#include "controller/fleet/fleet_events.h"
#include "controller/fleet/fleet_file.h"
#include "controller/fleet/fleet_layout.h"
#include "controller/fleet/host_database.h"
#include "controller/providers/dns/dns_provider.h"
#include "controller/providers/storage/object_store.h"
#include "controller/servers/server_manager.h"
#include "controller/store/store.h"
#include "dm/v1/admin.pb.h"

namespace dm {

struct FleetServices {
  Store* store = nullptr;
  ServerManager* servers = nullptr;
  AgentDirectory* directory = nullptr;
  Converger* converger = nullptr;
  CommandTracker* tracker = nullptr;  // commands on hosts (database dumps and restores)
  ObjectStore* backups = nullptr;     // where database backups go
  AppMirror* apps = nullptr;
  DnsProvider* dns = nullptr;  // nullptr: DNS is off
  std::string dns_server;      // where to ask it ("127.0.0.1:5300"), for status
  HttpClient* http = nullptr;  // the site check
};

// FleetEventFn (fleet_events.h) may be called from several threads at once: operations
// serialize their calls (Serialized).

class FleetReconciler {
 public:
  explicit FleetReconciler(FleetServices services) : s_(std::move(services)) {}
  // Stops the backup scheduler.
  ~FleetReconciler();

  // Every `tick`, takes the backups fleets' schedules say are due (backups: {every, keep}) and
  // lets go of those beyond `keep`. A fleet busy with another operation waits for the next tick.
  void StartBackupScheduler(absl::Duration tick);
  // Waits for a pass under way to end. Idempotent.
  void StopBackupScheduler();
  // One pass of it.
  void RunScheduledBackups();

  absl::StatusOr<dm::v1::FleetStatusResponse> Status(const dm::v1::FleetRequest& request);
  // Reports every change up would make, as events with status "planned" (or "ok": nothing to do).
  absl::Status Plan(const dm::v1::FleetRequest& request, const FleetEventFn& on_event);
  absl::Status Up(const dm::v1::FleetRequest& request, const FleetEventFn& on_event);
  absl::Status Down(const dm::v1::FleetRequest& request, const FleetEventFn& on_event);
  absl::Status Scale(const dm::v1::ScaleFleetRequest& request, const FleetEventFn& on_event);
  absl::Status Deploy(const dm::v1::DeployFleetRequest& request, const FleetEventFn& on_event);
  absl::Status Maintenance(const dm::v1::MaintenanceRequest& request, const FleetEventFn& on_event);
  absl::Status Backup(const dm::v1::FleetRequest& request, const FleetEventFn& on_event);
  absl::StatusOr<std::vector<dm::v1::Backup>> ListBackups(const dm::v1::FleetRequest& request);
  absl::Status Restore(const dm::v1::RestoreRequest& request, const FleetEventFn& on_event);
  absl::Status Split(const dm::v1::SplitRequest& request, const FleetEventFn& on_event);

 private:
  // The fleet as the request names it: its file parsed, its record (new if never applied).
  struct Loaded {
    FleetFile file;
    FleetRecord record;
    bool known = false;  // the controller has a record of it
  };
  absl::StatusOr<Loaded> Load(const dm::v1::FleetRequest& request);

  // The desired hosts with the addresses of those that exist, and the fleet's servers as the
  // provider reports them (including ones the file no longer asks for).
  struct Inventory {
    std::vector<FleetHost> hosts;
    std::map<std::string, dm::v1::Server> servers;  // by name
  };
  absl::StatusOr<Inventory> Take(const FleetFile& file);

  // True once `name`'s agent is connected (at once if it is); false after `timeout` or if
  // there is no such agent.
  bool WaitForAgent(const std::string& name, absl::Duration timeout);
  // "OLD -> NEW" when `server` was bootstrapped with another dm-agent package than the one this
  // controller installs (bootstrap again upgrades it), else "".
  std::string AgentUpgrade(const dm::v1::Server& server);
  // The attributes of every host, by name, for converging them now.
  absl::StatusOr<FleetContext> Context(const Loaded& fleet, const std::string& commit);
  // True when the file asks for another revision or repository than the one applied last.
  bool RevisionChanged(const Loaded& fleet) const;
  // The DNS records the fleet should have.
  std::vector<DnsRecord> WantedRecords(const FleetFile& file,
                                       const std::vector<FleetHost>& hosts) const;

  // Up once the fleet is loaded and claimed (scale applies its new file through it).
  // `restore`: a backup to restore once the hosts are converged ("" none, "latest").
  absl::Status Apply(Loaded& fleet, const FleetEventFn& emit, const std::string& restore = "");
  // Converges `hosts` (names) in parallel with the fleet's wiring under `context`.
  absl::Status ConvergeHosts(const Loaded& fleet, const Inventory& inventory,
                             const FleetContext& context, const std::vector<std::string>& hosts,
                             const FleetEventFn& emit);
  // Waits until the app on `host` answers /health with `commit` at /version.
  absl::Status CheckApp(const FleetHost& host, const std::string& commit, const FleetEventFn& emit);

  // Turns the maintenance page on or off on the fleet's load balancers (and remembers it).
  absl::Status SetMaintenance(Loaded& fleet, const Inventory& inventory, bool on,
                              const FleetEventFn& emit);
  // The fleet's database on `host` (names from the fleet's and the postgresql cookbook's
  // attributes).
  HostDatabase DatabaseOn(const FleetFile& file, const std::string& host);
  // The host serving the fleet's database; FailedPrecondition if it has none or it is not up.
  absl::StatusOr<const FleetHost*> DatabaseHost(const Inventory& inventory);
  absl::StatusOr<dm::v1::Backup> TakeBackup(const Loaded& fleet, const Inventory& inventory,
                                            const FleetEventFn& emit);
  absl::Status RestoreBackup(Loaded& fleet, const Inventory& inventory, const std::string& id,
                             const FleetEventFn& emit);
  // Boots the servers `fleet` lacks and bootstraps those not enrolled; the inventory then, with
  // every agent connected.
  absl::StatusOr<Inventory> Provision(const Loaded& fleet, const FleetEventFn& emit);
  // Split's shared steps (fleet_split.cc): the one server of `role`, up; the fleet with `role`
  // renamed `renamed` and `added: 1` beside it (reported with the new file text); how long the
  // old server stays after DNS moved.
  absl::StatusOr<FleetHost> ServerToSplit(const Loaded& fleet, const Inventory& inventory,
                                          const std::string& role);
  absl::StatusOr<Loaded> SplitLayout(const Loaded& old, const FleetRole& role,
                                     const std::string& renamed, const std::string& added,
                                     const FleetEventFn& emit);
  static absl::Duration KeepOld(const dm::v1::SplitRequest& request);
  // Split's second step (fleet_split_balancer.cc): an appbalancer into a loadbalancer and an
  // appnode; the fleet is claimed, `role` is the appbalancer's.
  absl::Status SplitBalancer(Loaded& old, const FleetRole& role,
                             const dm::v1::SplitRequest& request, const FleetEventFn& emit);
  // Deletes the fleet's backups beyond its file's `keep`.
  void PruneBackups(const FleetFile& file);
  // The fleet's backups and when each was stored, from the store's listing alone.
  absl::StatusOr<std::vector<BackupEntry>> BackupTimes(const std::string& fleet);

  // Up's steps; each reports through `emit` and fails with what to tell the operator.
  absl::StatusOr<std::string> SyncApp(const Loaded& fleet, const FleetEventFn& emit);
  absl::Status BootMissing(const Loaded& fleet, Inventory& inventory, const FleetEventFn& emit);
  absl::Status BootstrapPending(Inventory& inventory, const FleetEventFn& emit);
  absl::Status ConvergeInOrder(const Loaded& fleet, const Inventory& inventory,
                               const FleetContext& context, const FleetEventFn& emit);
  absl::Status PointDns(const FleetFile& file, const std::vector<FleetHost>& hosts,
                        const FleetEventFn& emit);
  absl::Status CheckSite(const FleetFile& file, const std::vector<FleetHost>& hosts,
                         const FleetEventFn& emit);

  // Marks the fleet busy for the caller's scope; FailedPrecondition if it is already.
  class Busy {
   public:
    Busy(FleetReconciler* owner, std::string fleet) : owner_(owner), fleet_(std::move(fleet)) {}
    ~Busy();

   private:
    FleetReconciler* owner_;
    std::string fleet_;
  };
  absl::StatusOr<std::unique_ptr<Busy>> Claim(const std::string& fleet);
  void Audit(const std::string& kind, const std::string& subject, const std::string& message);

  FleetServices s_;
  std::thread scheduler_;
  std::mutex scheduler_mu_;
  std::condition_variable scheduler_cv_;
  bool stopping_ = false;  // guarded by scheduler_mu_
  std::mutex busy_mu_;
  std::set<std::string> busy_;  // guarded by busy_mu_
};

}  // namespace dm

#endif  // DM_CONTROLLER_FLEET_FLEET_RECONCILER_H_
