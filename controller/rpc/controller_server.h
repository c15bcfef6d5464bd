// Everything a running controller is: its state (Store, AgentDirectory), its services and the
// gRPC server that listens for them. main.cc parses flags and waits for a signal; this does the
// rest, so that tests can run a controller in-process too. What it is made of stays in
// controller_server.cc: this header is all main.cc compiles.
#ifndef DM_CONTROLLER_RPC_CONTROLLER_SERVER_H_
#define DM_CONTROLLER_RPC_CONTROLLER_SERVER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "controller/health/healer_options.h"
#include "controller/servers/server_manager_options.h"

namespace dm {

struct ControllerOptions {
  std::string data_dir;
  std::string listen = "127.0.0.1:7443";  // port 0 picks a free port (see bound_address())
  absl::Duration heartbeat_interval = absl::Seconds(5);
  // How long an agent may be silent before its host is lost (and may be replaced); zero: twice
  // the heartbeat window (three heartbeats), at least 10 s.
  absl::Duration lost_after = absl::ZeroDuration();
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
  // A YAML file (mode 0600) naming DNS (and cloud) providers and their credentials
  // (providers/providers_config.h); "" : only the controller's own, `local`.
  std::string providers;
  // Where servers at cloud providers reach this controller ("HOST[:PORT]"; the port defaults to
  // --listen's): their agents dial it, so --listen must take connections there.
  std::string advertise;
  // The port the app repositories are served on to cloud servers (git daemon, only to the
  // controller's cloud servers' addresses); 0: a free one. Only with `advertise`.
  uint16_t git_port = 9418;
  // Self-healing's settle times, damping and caps (docs/health.md).
  HealerOptions healing;
};

class ControllerServer {
 public:
  // Creates or opens the data directory (taking its lock), the PKI and the store, starts
  // listening and writes DATA_DIR/dmctl.yaml. FailedPrecondition if another controller holds the
  // data directory.
  static absl::StatusOr<std::unique_ptr<ControllerServer>> Start(const ControllerOptions& options);
  // Shuts down.
  virtual ~ControllerServer() = default;

  // Stops accepting calls, ends streams (agents will reconnect to the next controller), flushes
  // status and closes the store. Idempotent.
  virtual void Shutdown() = 0;

  // "127.0.0.1:7443" with the port actually bound.
  virtual const std::string& bound_address() const = 0;
};

}  // namespace dm

#endif  // DM_CONTROLLER_RPC_CONTROLLER_SERVER_H_
