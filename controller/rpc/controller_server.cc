#include "controller/rpc/controller_server.h"

#include <grpcpp/grpcpp.h>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "common/clock.h"
#include "common/dmctl_config.h"
#include "common/files.h"
#include "common/host_port.h"
#include "common/http/http_client.h"
#include "common/http/retrying_http_client.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "controller/agents/agent_directory.h"
#include "controller/agents/agent_maintenance.h"
#include "controller/commands/command_tracker.h"
#include "controller/enrollment/enrollment_service.h"
#include "controller/enrollment/token_service.h"
#include "controller/fleet/app_mirror.h"
#include "controller/fleet/backup_scheduler.h"
#include "controller/fleet/fleet_service.h"
#include "controller/fleet/live_fleet_world.h"
#include "controller/health/healing_service.h"
#include "controller/health/live_heal_world.h"
#include "controller/providers/dns/embedded_powerdns.h"
#include "controller/providers/providers_config.h"
#include "controller/providers/storage/backup_store_config.h"
#include "controller/providers/storage/local_directory_store.h"
#include "controller/providers/storage/object_store.h"
#include "controller/rpc/admin_handler.h"
#include "controller/rpc/agent_stream_handler.h"
#include "controller/rpc/enrollment_handler.h"
#include "controller/servers/server_manager.h"
#include "controller/setup/controller_pki.h"
#include "controller/store/audit_trail.h"
#include "controller/store/sqlite_store.h"
#include "controller/store/store.h"

namespace dm {
namespace {

// One controller per data directory: two would race on the CA and the store.
absl::StatusOr<int> LockDataDir(const std::string& dir) {
  std::string path = dir + "/controller.lock";
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return absl::InternalError(absl::StrCat("open ", path, ": ", std::strerror(errno)));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return absl::FailedPreconditionError(
        absl::StrCat("another dm-controller is running with data directory ", dir));
  }
  return fd;
}

// The address clients should dial for `bound`: a wildcard listener is reached on loopback.
std::string DialableAddress(HostPort bound) {
  if (bound.host == "0.0.0.0") bound.host = "127.0.0.1";
  if (bound.host == "::") bound.host = "::1";
  return bound.ToString();
}

}  // namespace

// The running controller: every part, in the order they are made; members go in reverse, so
// that what uses a part goes before it.
class LiveController : public ControllerServer {
 public:
  ~LiveController() override;
  void Shutdown() override;
  const std::string& bound_address() const override { return bound_address_; }

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
  std::unique_ptr<HealthBoard> health_;
  std::unique_ptr<CommandTracker> tracker_;
  std::unique_ptr<BundleCache> bundles_;
  std::unique_ptr<Converger> converger_;
  std::unique_ptr<HttpClient> http_;
  // For providers' APIs, which rate-limit and fail now and then (not for the embedded PowerDNS,
  // whose failure is this controller's own).
  std::unique_ptr<HttpClient> provider_http_;
  std::unique_ptr<AppMirror> apps_;
  std::unique_ptr<ObjectStore> backups_;
  std::unique_ptr<EmbeddedPowerDns> dns_;
  DnsProviderSet dns_providers_;      // `local` (dns_) and those of --providers
  CloudProviderSet cloud_providers_;  // those of --providers (`local` is the ServerManager's)
  StorageSet storage_;                // those of --providers (`storage:`): fleets' media
  std::unique_ptr<ServerManager> servers_;
  std::unique_ptr<DeployTreeStore> trees_;  // deploy folders dmctl sends with fleets
  std::unique_ptr<LiveFleetWorld> fleet_world_;
  // After everything they use, so that they go first (the scheduler before the service, whose
  // locks it holds).
  std::unique_ptr<FleetService> fleets_;
  std::unique_ptr<BackupScheduler> backup_scheduler_;
  std::unique_ptr<LiveHealWorld> heal_world_;
  std::unique_ptr<HealingService> healing_;
  std::unique_ptr<TokenService> tokens_;
  std::unique_ptr<EnrollmentService> enrollment_;
  std::unique_ptr<EnrollmentHandler> enrollment_handler_;
  std::unique_ptr<AdminHandler> admin_handler_;
  std::unique_ptr<AgentStreamHandler> agent_handler_;
  std::unique_ptr<AgentMaintenance> maintenance_;
  std::unique_ptr<grpc::Server> server_;
  std::string bound_address_;
  bool shut_down_ = false;

  friend class ControllerServer;
};

absl::Status LiveController::StartFleetServices() {
  const std::string& dir = options_.data_dir;
  http_ = NewCurlHttpClient();
  trees_ = std::make_unique<DeployTreeStore>(dir + "/deploy");
  provider_http_ = std::make_unique<RetryingHttpClient>(http_.get(), clock_);
  // App repositories are served on the servers' network only.
  apps_ = std::make_unique<AppMirror>(dir + "/apps");
  if (const std::string local = servers_->local_network_address(); !local.empty()) {
    DM_RETURN_IF_ERROR(apps_->Serve(local));
  }
  if (!options_.providers.empty()) {
    if (absl::Status s = LoadProviders(options_.providers, provider_http_.get(), &dns_providers_,
                                       &cloud_providers_, &storage_);
        !s.ok())
      return absl::Status(s.code(), absl::StrCat("--providers: ", s.message()));
    servers_->set_cloud_providers(&cloud_providers_);
  }
  // Backups off the fleets' servers: in a directory of this machine unless told otherwise.
  if (!options_.backup_store.empty()) {
    if (!options_.backup_dir.empty()) {
      return absl::InvalidArgumentError(
          "--backup-dir and --backup-store: choose one (a store file can say type: directory)");
    }
    absl::StatusOr<std::unique_ptr<ObjectStore>> store =
        OpenBackupStore(options_.backup_store, http_.get());
    if (!store.ok()) {
      return absl::Status(store.status().code(),
                          absl::StrCat("--backup-store: ", store.status().message()));
    }
    backups_ = std::move(*store);
  } else {
    backups_ = std::make_unique<LocalDirectoryStore>(
        options_.backup_dir.empty() ? dir + "/backups" : options_.backup_dir);
  }
  LogInfo("backups go to {}", backups_->name());
  LiveFleetWorldParts world;
  world.servers = servers_.get();
  world.directory = directory_.get();
  world.converger = converger_.get();
  world.tracker = tracker_.get();
  world.apps = apps_.get();
  world.http = http_.get();
  world.ca = pki_.ca.get();
  world.certificates_dir = dir + "/fleet-tls";
  world.clock = clock_;
  world.checks = [board = health_.get()](const std::string& host) {
    std::optional<HostHealthState> state = board->Host(host);
    return state ? HostChecks{state->health, state->report} : HostChecks{};
  };
  if (options_.dns_listen != "off") {
    DM_ASSIGN_OR_RETURN(HostPort at, HostPort::Parse(options_.dns_listen));
    absl::StatusOr<std::unique_ptr<EmbeddedPowerDns>> dns =
        EmbeddedPowerDns::Start({dir + "/dns", at.host, at.port});
    if (!dns.ok()) {
      return absl::Status(dns.status().code(),
                          absl::StrCat("the embedded DNS server (--dns-listen ",
                                       options_.dns_listen, ", or off): ", dns.status().message()));
    }
    dns_ = std::move(*dns);
    world.dns = dns_->provider();
    dns_providers_.Add("local", dns_->provider());
    world.dns_server = at.ToString();
    LogInfo("DNS for fleets: PowerDNS on {}", at.ToString());
  }
  world.named_dns = &dns_providers_;
  fleet_world_ = std::make_unique<LiveFleetWorld>(world);
  FleetEnv env;
  env.store = store_.get();
  env.world = fleet_world_.get();
  env.backups = backups_.get();
  env.storage = &storage_;
  env.clock = clock_;
  env.audit = audit_.get();
  env.deploy_dir = options_.deploy_dir;
  env.trees = trees_.get();
  fleets_ = std::make_unique<FleetService>(env);
  backup_scheduler_ = std::make_unique<BackupScheduler>(env, fleets_->locks());
  backup_scheduler_->Start(absl::Seconds(30));
  LiveHealWorld::Parts heal;
  heal.board = health_.get();
  heal.fleets = fleets_.get();
  heal.store = store_.get();
  heal.directory = directory_.get();
  heal.tracker = tracker_.get();
  heal.deploy_dir = options_.deploy_dir;
  heal.trees = trees_.get();
  heal_world_ = std::make_unique<LiveHealWorld>(heal);
  healing_ = std::make_unique<HealingService>(heal_world_.get(), health_.get(), audit_.get(),
                                              clock_, options_.healing);
  healing_->Start();
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<ControllerServer>> ControllerServer::Start(
    const ControllerOptions& options) {
  DM_ASSIGN_OR_RETURN(HostPort listen, HostPort::Parse(options.listen, /*allow_port_zero=*/true));
  std::unique_ptr<LiveController> c(new LiveController());
  c->options_ = options;
  c->options_.data_dir = AbsolutePath(options.data_dir);
  const std::string& dir = c->options_.data_dir;

  DM_RETURN_IF_ERROR(MakeDirectories(dir, 0700));
  DM_ASSIGN_OR_RETURN(c->lock_fd_, LockDataDir(dir));
  DM_ASSIGN_OR_RETURN(c->pki_, LoadOrCreatePki(dir, c->clock_->Now()));
  DM_ASSIGN_OR_RETURN(c->store_, SqliteStore::Open(dir + "/state.db"));
  c->audit_ = std::make_unique<AuditTrail>(c->store_.get(), c->clock_);

  const absl::Duration window = 3 * options.heartbeat_interval;
  c->directory_ = std::make_unique<AgentDirectory>(c->store_.get(), c->clock_, window);
  DM_RETURN_IF_ERROR(c->directory_->Load());
  HealthBoard::Options health;
  // Past the heartbeat window (when the directory closes a silent stream) and a reconnect; never
  // so short that a busy moment looks like a dead server.
  health.lost_after = options.lost_after > absl::ZeroDuration()
                          ? std::max(options.lost_after, window)
                          : std::max(2 * window, absl::Seconds(10));
  c->health_ = std::make_unique<HealthBoard>(c->store_.get(), c->directory_.get(), c->audit_.get(),
                                             c->clock_, health);
  DM_RETURN_IF_ERROR(c->health_->Load());
  c->tracker_ = std::make_unique<CommandTracker>(c->clock_);
  c->bundles_ = std::make_unique<BundleCache>();
  if (!c->options_.deploy_dir.empty())
    c->options_.deploy_dir = AbsolutePath(c->options_.deploy_dir);
  // Runs that were going when the controller stopped will never report here.
  DM_ASSIGN_OR_RETURN(int64_t interrupted, c->store_->InterruptRunningRuns(c->clock_->Now()));
  if (interrupted > 0)
    LogWarn("{} converge runs were interrupted by the last shutdown", interrupted);
  c->tokens_ = std::make_unique<TokenService>(c->store_.get(), c->clock_,
                                              c->pki_.ca->certificate().Fingerprint());
  c->enrollment_ = std::make_unique<EnrollmentService>(
      c->store_.get(), c->tokens_.get(), c->pki_.ca.get(), c->directory_.get(), c->clock_);
  c->enrollment_handler_ =
      std::make_unique<EnrollmentHandler>(c->enrollment_.get(), c->pki_.ca.get());
  ServerManagerOptions servers = c->options_.servers;
  servers.data_dir = dir;
  c->servers_ = std::make_unique<ServerManager>(servers, c->store_.get(), c->tokens_.get(),
                                                c->directory_.get());
  DM_RETURN_IF_ERROR(c->servers_->Init());
  c->converger_ =
      std::make_unique<Converger>(c->directory_.get(), c->tracker_.get(), c->store_.get(),
                                  c->clock_, c->bundles_.get(), c->options_.deploy_dir);
  DM_RETURN_IF_ERROR(c->StartFleetServices());
  AdminHandler::Parts admin;
  admin.directory = c->directory_.get();
  admin.tokens = c->tokens_.get();
  admin.tracker = c->tracker_.get();
  admin.store = c->store_.get();
  admin.clock = c->clock_;
  admin.audit = c->audit_.get();
  admin.converger = c->converger_.get();
  admin.servers = c->servers_.get();
  admin.fleets = c->fleets_.get();
  admin.health = c->health_.get();
  admin.dns = &c->dns_providers_;
  admin.trees = c->trees_.get();
  admin.apps = c->apps_.get();
  c->admin_handler_ = std::make_unique<AdminHandler>(admin);
  AgentSessionServices sessions;
  sessions.directory = c->directory_.get();
  sessions.tracker = c->tracker_.get();
  sessions.bundles = c->bundles_.get();
  sessions.health = c->health_.get();
  sessions.audit = c->audit_.get();
  sessions.clock = c->clock_;
  sessions.heartbeat_interval = options.heartbeat_interval;
  c->agent_handler_ = std::make_unique<AgentStreamHandler>(sessions);

  // Client certificates are requested and, when presented, verified against our CA during the
  // handshake. They are not required at that level because enrollment comes before a
  // certificate exists; every other handler refuses calls without one (see peer_identity.h).
  grpc::SslServerCredentialsOptions tls(GRPC_SSL_REQUEST_CLIENT_CERTIFICATE_AND_VERIFY);
  tls.pem_root_certs = c->pki_.ca->certificate().ToPem();
  tls.pem_key_cert_pairs.push_back({c->pki_.server_key_pem, c->pki_.server_chain_pem});

  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(listen.ToString(), grpc::SslServerCredentials(tls), &port);
  // Servers on the local network cannot reach loopback: listen on their side of the bridge too.
  int local_port = 0;
  const std::string local_host = c->servers_->local_network_address();
  if (!local_host.empty()) {
    builder.AddListeningPort(HostPort{local_host, c->servers_->AgentPort(listen.port)}.ToString(),
                             grpc::SslServerCredentials(tls), &local_port);
  }
  builder.RegisterService(c->enrollment_handler_.get());
  builder.RegisterService(c->admin_handler_.get());
  builder.RegisterService(c->agent_handler_.get());
  // Agents ping to keep NAT mappings and detect dead links; allow it, but not more often than 10 s.
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 10000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  // Our own pings find agents whose connection died without a FIN.
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, 60000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 20000);
  // BDP probing sends a ping with incoming data to size flow-control windows; agent streams
  // carry small messages, and with ten thousand agents the pings cost more than they tune.
  builder.AddChannelArgument(GRPC_ARG_HTTP2_BDP_PROBE, 0);
  // dmctl exec --input carries up to 64 MB in one request (agents fetch larger input in parts).
  builder.SetMaxReceiveMessageSize(64 << 20);
  c->server_ = builder.BuildAndStart();
  if (!c->server_ || port == 0) {
    return absl::UnavailableError(absl::StrCat("could not listen on ", listen.ToString(),
                                               " (is the address in use or not local?)"));
  }
  c->bound_address_ = HostPort{listen.host, static_cast<uint16_t>(port)}.ToString();
  if (local_port > 0) {
    c->servers_->set_agent_endpoint(local_host, static_cast<uint16_t>(local_port));
    LogInfo("local servers reach the controller at {}:{}", local_host, local_port);
  }
  if (!options.advertise.empty()) {
    // HOST alone takes --listen's port; anything with a colon must be HOST:PORT.
    absl::StatusOr<HostPort> at =
        options.advertise.find(':') == std::string::npos
            ? absl::StatusOr<HostPort>(HostPort{options.advertise, static_cast<uint16_t>(port)})
            : HostPort::Parse(options.advertise);
    if (!at.ok() || at->host.empty()) {
      return absl::InvalidArgumentError(
          "--advertise: HOST[:PORT], where servers at cloud providers reach this controller");
    }
    c->servers_->set_advertise(at->ToString());
    LogInfo("servers at cloud providers reach the controller at {}", at->ToString());
    // Their apps too, on the host the controller listens on (which must be reachable there).
    DM_RETURN_IF_ERROR(c->apps_->ServeClouds(listen.host, at->host, options.git_port));
    LogInfo("cloud servers fetch fleets' apps from {}", c->apps_->CloudUrl("FLEET"));
  }

  DmctlConfig dmctl{DialableAddress(HostPort{listen.host, static_cast<uint16_t>(port)}),
                    c->pki_.ca_path, c->pki_.admin_cert_path, c->pki_.admin_key_path};
  DM_RETURN_IF_ERROR(dmctl.Write(dir + "/dmctl.yaml"));

  MaintenanceOptions maintenance;
  // A command survives its agent's disconnection for this long, to be resumed on reconnect.
  maintenance.resume_grace = 2 * window;
  c->maintenance_ = std::make_unique<AgentMaintenance>(c->directory_.get(), c->tracker_.get(),
                                                       c->store_.get(), maintenance);
  c->maintenance_->Start();
  c->health_->StartSweeping(absl::Seconds(1));
  return c;
}

void LiveController::Shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  if (backup_scheduler_) backup_scheduler_->Stop();
  if (healing_) healing_->Stop();
  if (server_) {
    directory_->CloseAll(
        grpc::Status(grpc::StatusCode::UNAVAILABLE, "controller is shutting down"));
    server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(3));
    server_->Wait();
  }
  if (maintenance_) maintenance_->Stop();
  if (health_) health_->Stop();
  if (lock_fd_ >= 0) ::close(lock_fd_);
  lock_fd_ = -1;
}

LiveController::~LiveController() { Shutdown(); }

}  // namespace dm
