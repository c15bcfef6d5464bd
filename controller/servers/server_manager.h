// Servers: booted through a provider, bootstrapped over SSH into hardened hosts whose agent is
// named after the server, destroyed with everything they used. What `dmctl servers` and
// `dmctl bootstrap` drive.
//
// The controller keeps an operator SSH key (DATA_DIR/ssh/operator_ed25519): providers install
// its public half for root, bootstrap logs in with it and gives it to the deploy user.
#ifndef DM_CONTROLLER_SERVERS_SERVER_MANAGER_H_
#define DM_CONTROLLER_SERVERS_SERVER_MANAGER_H_

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "bootstrap/agent_package.h"
#include "bootstrap/bootstrapper.h"
#include "controller/agents/agent_directory.h"
#include "controller/enrollment/token_service.h"
#include "controller/providers/local/local_provider.h"
#include "controller/servers/server_manager_options.h"
#include "controller/store/store.h"
#include "dm/v1/admin.pb.h"

namespace dm {

class CloudProviderSet;

// A server to boot.
struct ServerBoot {
  std::string name;
  std::string provider;  // "" = local
  std::string role;
  std::string fleet;                // the fleet it belongs to, if any
  std::string image, size, region;  // "" = the provider's configured defaults
  std::vector<int> open_tcp_ports;  // a cloud firewall opens these besides SSH
};

class ServerManager {
 public:
  ServerManager(ServerManagerOptions options, Store* store, TokenService* tokens,
                AgentDirectory* directory);

  // The operator key, the local network (so that the controller can listen on it), and the
  // sweeps: of servers whose provider state was deleted, and of local servers not recorded
  // (their boot was cut short by the controller's last stop).
  absl::Status Init();
  // Where servers reach the controller's host ("" without the local provider).
  std::string local_network_address() const;
  // The port to listen on there: the one agents were given before (kept in DATA_DIR/local/
  // agent-port, so that a restart, even with --listen HOST:0, keeps their address), else
  // `fallback`.
  uint16_t AgentPort(uint16_t fallback) const;
  // Set once the controller listens there: what agents on servers dial. Remembers the port.
  void set_agent_endpoint(const std::string& host, uint16_t port);

  // The cloud providers of --providers (not owned; set once, before any call).
  void set_cloud_providers(const CloudProviderSet* cloud) { cloud_ = cloud; }
  // Where servers of cloud providers reach the controller ("HOST:PORT", --advertise): they are
  // not on this machine's local network.
  void set_advertise(const std::string& host_port) { advertise_ = host_port; }

  // Boots a server. A cloud server gets a host key made here, in its user data; the record is
  // kept from before the provider is asked, so a boot that failed half-way (or a controller that
  // died) is resumed by booting the same name again: the provider adopts what it made.
  absl::StatusOr<dm::v1::Server> Boot(const ServerBoot& boot, const ProgressFn& progress);
  absl::StatusOr<std::vector<dm::v1::Server>> List();
  // What `provider` reports of DeployMachine's servers there, each marked recorded or not.
  absl::StatusOr<std::vector<dm::v1::Server>> ListAtProvider(const std::string& provider);
  // NotFound if there is no such server.
  absl::StatusOr<dm::v1::Server> Get(const std::string& name);
  // Destroys the server, and removes its agent (its certificate is revoked). Without a record,
  // `provider` names where a server left behind is deleted.
  absl::Status Destroy(const std::string& name, const std::string& provider = "");
  absl::StatusOr<BootstrapReport> Bootstrap(const std::string& name, const StepReport& report);
  // OK when there is a provider of that name ("" and "local": the local one).
  absl::Status CheckProvider(const std::string& name) { return Provider(name).status(); }
  // The dm-agent package bootstrap installs (built once from --agent-binary).
  absl::StatusOr<const AgentPackage*> Package();

 private:
  absl::StatusOr<CloudProvider*> Provider(const std::string& name);
  // Local servers that were being booted when the controller last stopped (not recorded).
  void RemoveUnrecordedLocalServers();
  // The server as dmctl shows it: the record, what its provider says (`info`, else asked now)
  // and its agent.
  dm::v1::Server Describe(const ServerRecord& record, const absl::StatusOr<ServerInfo>& info);
  dm::v1::Server Describe(const ServerRecord& record);

  ServerManagerOptions options_;
  Store* const store_;
  TokenService* const tokens_;
  AgentDirectory* const directory_;
  // Where a cloud server's host key waits for bootstrap (DATA_DIR/ssh/hosts/NAME, 0600).
  std::string HostKeyPath(const std::string& name) const;

  std::unique_ptr<LocalProvider> local_;
  const CloudProviderSet* cloud_ = nullptr;
  std::string advertise_;
  std::string operator_key_path_, operator_public_key_;
  std::string agent_endpoint_;
  std::mutex package_mu_;
  std::optional<AgentPackage> package_ ABSL_GUARDED_BY(package_mu_);
};

}  // namespace dm

#endif  // DM_CONTROLLER_SERVERS_SERVER_MANAGER_H_
