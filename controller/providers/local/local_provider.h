// The `local` provider: real servers on this machine (docs/local-provider.md). Each is a
// systemd-nspawn container booting systemd as PID 1, in its own network namespace on a bridge,
// with its own overlay over the shared base image; it reaches only the bridge and, through the
// apt proxy, the Debian mirror.
//
// Its state is plain files under `state_dir` (servers/NAME/server.json and the server's layers),
// so servers and their state survive a controller restart: the containers run detached and are
// found again by their pid files. Every host resource a server uses (namespace, veth, mount) is
// also recorded under /run/deploymachine/local/, so that leftovers of a run that was killed can
// be found and cleaned by the next one (SweepLeftovers).
#ifndef DM_CONTROLLER_PROVIDERS_LOCAL_LOCAL_PROVIDER_H_
#define DM_CONTROLLER_PROVIDERS_LOCAL_LOCAL_PROVIDER_H_

#include <functional>
#include <mutex>
#include <string>

#include "controller/providers/cloud_provider.h"
#include "controller/providers/local/bridge_network.h"

namespace dm {

struct LocalProviderOptions {
  std::string state_dir;                                 // the provider's own files
  std::string image_cache = "/var/cache/deploymachine";  // shared base images, outside any repo
  std::string bridge = "dmbr0";
  std::string subnet = "10.231.0";  // the /24's first three octets
  absl::Duration boot_timeout = absl::Seconds(60);
};

// What /run/deploymachine/local/ records of a server's host resources.
struct LocalLeftover {
  std::string record;  // the record file
  std::string state_dir, name, netns, veth, root;
  int nspawn_pid = 0;
};

class LocalProvider : public CloudProvider {
 public:
  explicit LocalProvider(LocalProviderOptions options);
  ~LocalProvider() override;

  std::string name() const override { return "local"; }
  absl::StatusOr<ServerInfo> Create(const ServerSpec& spec, const ProgressFn& progress) override;
  absl::StatusOr<std::vector<ServerInfo>> List() override;
  // The name of every server folder, however far its creation got (List skips those that have
  // no description yet).
  std::vector<std::string> ServerNames() const;
  absl::StatusOr<ServerInfo> Get(const std::string& name) override;
  absl::Status Delete(const std::string& name) override;

  const std::string& bridge_address() const { return host_address_; }
  // Creates the bridge with this machine's address on it (the controller listens there).
  absl::Status EnsureNetwork() { return network_.EnsureBridge(); }

  // Tears down every recorded server for which `is_leftover` says so, and returns how many.
  // The controller calls it at start with "its state folder is gone"; test fixtures with "its
  // controller is not running".
  static int SweepLeftovers(const std::function<bool(const LocalLeftover&)>& is_leftover);
  // True while a LocalProvider (in any process) works on `state_dir`: each holds a lock on
  // STATE/provider.lock for its lifetime. Test fixtures sweep what no running test owns.
  static bool InUse(const std::string& state_dir);

 private:
  // Drops `address` from the neighbor tables of this machine and of every server but `except`.
  void ForgetAddress(const std::string& address, const std::string& except);
  struct Paths;
  Paths PathsOf(const std::string& name) const;
  absl::StatusOr<ServerInfo> Read(const std::string& name) const;
  absl::Status Boot(const ServerSpec& spec, int index, const ProgressFn& progress);
  static void TearDown(const LocalLeftover& server);

  LocalProviderOptions options_;
  local::BridgeNetwork network_;
  std::string host_address_;
  std::mutex mu_;  // one create or delete at a time: they share the address pool and the bridge
  int lock_fd_ = -1;
};

}  // namespace dm

#endif  // DM_CONTROLLER_PROVIDERS_LOCAL_LOCAL_PROVIDER_H_
