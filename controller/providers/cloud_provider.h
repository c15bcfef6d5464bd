// Where servers come from. A provider makes and destroys servers the way a cloud API does;
// everything above it (dmctl servers, bootstrap, fleets) works the same on every provider.
// The embedded default is `local` (local/): real servers on this machine.
#ifndef DM_CONTROLLER_PROVIDERS_CLOUD_PROVIDER_H_
#define DM_CONTROLLER_PROVIDERS_CLOUD_PROVIDER_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace dm {

struct ServerSpec {
  std::string name;            // [a-z0-9-], at most 32
  std::string ssh_public_key;  // installed for root, as clouds do with a key pair
};

// A server's state as its provider reports it.
enum class ProviderState { kCreating, kRunning, kStopped, kError };

// "creating", "running", "stopped", "error"
const char* ProviderStateWord(ProviderState state);

struct ServerInfo {
  std::string name;
  std::string provider;
  ProviderState state = ProviderState::kError;
  std::string address;                   // where SSH and the fleet reach it
  std::string ssh_host_key;              // the server's host public key ("ssh-ed25519 AAAA...")
  std::string ssh_host_key_fingerprint;  // "SHA256:..." as ssh-keygen -l prints it
  absl::Time created;
};

// Progress for long operations ("building the base image", "booting").
using ProgressFn = std::function<void(const std::string&)>;

class CloudProvider {
 public:
  virtual ~CloudProvider() = default;
  virtual std::string name() const = 0;

  // Creates and starts a server; returns once it accepts SSH. AlreadyExists if the name is taken.
  virtual absl::StatusOr<ServerInfo> Create(const ServerSpec& spec, const ProgressFn& progress) = 0;
  virtual absl::StatusOr<std::vector<ServerInfo>> List() = 0;
  // NotFound if there is no such server.
  virtual absl::StatusOr<ServerInfo> Get(const std::string& name) = 0;
  // Destroys the server and everything it used. NotFound if there is no such server.
  virtual absl::Status Delete(const std::string& name) = 0;
};

}  // namespace dm

#endif  // DM_CONTROLLER_PROVIDERS_CLOUD_PROVIDER_H_
