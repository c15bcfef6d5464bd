// Everything a running controller is: its state (Store, AgentDirectory), its services and the
// gRPC server that listens for them. main.cc parses flags and waits for a signal; this class does
// the rest, so that tests can run a controller in-process too.
#ifndef DM_CONTROLLER_RPC_CONTROLLER_SERVER_H_
#define DM_CONTROLLER_RPC_CONTROLLER_SERVER_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "common/http/http_client.h"
#include "controller/agents/agent_directory.h"
#include "controller/agents/agent_maintenance.h"
#include "controller/commands/command_tracker.h"
#include "controller/enrollment/enrollment_service.h"
#include "controller/enrollment/token_service.h"
#include "controller/fleet/app_mirror.h"
#include "controller/fleet/backup_scheduler.h"
#include "controller/fleet/fleet_service.h"
#include "controller/fleet/live_fleet_world.h"
#include "controller/providers/dns/embedded_powerdns.h"
#include "controller/providers/storage/object_store.h"
#include "controller/rpc/admin_handler.h"
#include "controller/rpc/agent_stream_handler.h"
#include "controller/rpc/enrollment_handler.h"
#include "controller/servers/server_manager.h"
#include "controller/setup/controller_pki.h"
#include "controller/store/audit_trail.h"
#include "controller/store/store.h"

namespace dm {

struct ControllerOptions {
  std::string data_dir;
  std::string listen = "127.0.0.1:7443";  // port 0 picks a free port (see bound_address())
  absl::Duration heartbeat_interval = absl::Seconds(5);
  // Cookbooks and roles for dmctl converge: a folder with cookbooks/ and roles/ ("" : none).
  std::string deploy_dir;
  // Providers and bootstrap (data_dir is filled in from the above).
  ServerManagerOptions servers;
  // Where the embedded PowerDNS answers fleets' names (HOST:PORT), or "off".
  std::string dns_listen = "127.0.0.1:5300";
  // Where fleets' database backups go ("": DATA_DIR/backups), or a file that names an object
  // store and its credentials (see providers/storage/backup_store_config.h); not both.
  std::string backup_dir;
  std::string backup_store;
};

class ControllerServer {
 public:
  // Creates or opens the data directory (taking its lock), the PKI and the store, starts
  // listening and writes DATA_DIR/dmctl.yaml. FailedPrecondition if another controller holds the
  // data directory.
  static absl::StatusOr<std::unique_ptr<ControllerServer>> Start(const ControllerOptions& options);
  ~ControllerServer();

  // Stops accepting calls, ends streams (agents will reconnect to the next controller), flushes
  // status and closes the store. Idempotent.
  void Shutdown();

  // "127.0.0.1:7443" with the port actually bound.
  const std::string& bound_address() const { return bound_address_; }

 private:
  ControllerServer() = default;
  // The app mirror (served on the local network), the embedded DNS server, the fleet operations
  // and the backup scheduler.
  absl::Status StartFleetServices();

  ControllerOptions options_;
  int lock_fd_ = -1;
  Clock* clock_ = Clock::Real();
  ControllerPki pki_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<AuditTrail> audit_;
  std::unique_ptr<AgentDirectory> directory_;
  std::unique_ptr<CommandTracker> tracker_;
  std::unique_ptr<BundleCache> bundles_;
  std::unique_ptr<Converger> converger_;
  std::unique_ptr<HttpClient> http_;
  std::unique_ptr<AppMirror> apps_;
  std::unique_ptr<ObjectStore> backups_;
  std::unique_ptr<EmbeddedPowerDns> dns_;
  std::unique_ptr<ServerManager> servers_;
  std::unique_ptr<LiveFleetWorld> fleet_world_;
  // After everything they use, so that they go first (the scheduler before the service, whose
  // locks it holds).
  std::unique_ptr<FleetService> fleets_;
  std::unique_ptr<BackupScheduler> backup_scheduler_;
  std::unique_ptr<TokenService> tokens_;
  std::unique_ptr<EnrollmentService> enrollment_;
  std::unique_ptr<EnrollmentHandler> enrollment_handler_;
  std::unique_ptr<AdminHandler> admin_handler_;
  std::unique_ptr<AgentStreamHandler> agent_handler_;
  std::unique_ptr<AgentMaintenance> maintenance_;
  std::unique_ptr<grpc::Server> server_;
  std::string bound_address_;
  bool shut_down_ = false;
};

}  // namespace dm

#endif  // DM_CONTROLLER_RPC_CONTROLLER_SERVER_H_
