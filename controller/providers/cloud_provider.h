// Where servers come from. A provider makes and destroys servers the way a cloud API does;
// everything above it (dmctl servers, bootstrap, fleets) works the same on every provider.
// The embedded default is `local` (local/): real servers on this machine. The others speak a
// cloud's API (cloud/): DigitalOcean, Hetzner, EC2, OpenStack.
//
// Idempotency is the contract's, not the caller's: every server carries its name and the
// controller's tags, so a Create whose answer was lost, or whose controller died before it
// recorded the server, finds that server on the next Create with the same name and adopts it
// instead of booting a twin.
#ifndef DM_CONTROLLER_PROVIDERS_CLOUD_PROVIDER_H_
#define DM_CONTROLLER_PROVIDERS_CLOUD_PROVIDER_H_

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace dm {

// The tags DeployMachine puts on every server it boots (as tags, labels or metadata, whichever
// the cloud has), and lists its servers by.
inline constexpr char kServerTag[] = "dm-server";  // the server's name
inline constexpr char kFleetTag[] = "dm-fleet";    // its fleet, when it has one
inline constexpr char kRoleTag[] = "dm-role";      // its role, when it has one

struct ServerSpec {
  std::string name;            // [a-z0-9-], at most 32
  std::string ssh_public_key;  // installed for root, as clouds do with a key pair
  // The provider's own words ("debian-12", "s-1vcpu-1gb", "fra1"); "" takes the provider's
  // configured default.
  std::string image, size, region;
  std::map<std::string, std::string> tags;  // kServerTag is added by the provider
  // TCP ports the provider's firewall opens to everyone besides SSH (the load balancers' 80 and
  // 443); everything else inbound is closed, everything outbound open (the agent dials out).
  std::vector<int> open_tcp_ports;
  // Addresses let in on every TCP port: the controller's own, whose checks reach the app port.
  std::vector<std::string> admit_from;
  // Handed to the server's first boot (cloud-init): how a cloud server learns its host key.
  std::string user_data;
};

// A server's state as its provider reports it.
enum class ProviderState { kCreating, kRunning, kStopped, kError };

// "creating", "running", "stopped", "error"
const char* ProviderStateWord(ProviderState state);

struct ServerInfo {
  std::string name;
  std::string provider;
  std::string id;  // the provider's own id ("" for local)
  ProviderState state = ProviderState::kError;
  std::string address;                   // public: where SSH and the operator reach it
  std::string private_address;           // on the provider's private network, "" without one
  std::string ssh_host_key;              // the server's host public key, when the provider knows it
  std::string ssh_host_key_fingerprint;  // "SHA256:..." as ssh-keygen -l prints it
  std::string image, size, region;
  std::map<std::string, std::string> tags;
  absl::Time created;
  std::string fault;  // why it is in error, in the provider's words ("" when it says nothing)
};

// Progress for long operations ("building the base image", "booting").
using ProgressFn = std::function<void(const std::string&)>;

class CloudProvider {
 public:
  virtual ~CloudProvider() = default;
  // The name the controller knows it by ("local", or the --providers file's).
  virtual std::string name() const = 0;
  // What kind it is: "local", "digitalocean", "hetzner", "ec2", "openstack".
  virtual std::string type() const { return name(); }

  // Creates and starts a server (or adopts the one of that name it booted before, see above);
  // returns once it runs with its addresses. AlreadyExists if the name is taken by a server
  // DeployMachine did not boot.
  virtual absl::StatusOr<ServerInfo> Create(const ServerSpec& spec, const ProgressFn& progress) = 0;
  // Every server DeployMachine booted there, the controller's records or not.
  virtual absl::StatusOr<std::vector<ServerInfo>> List() = 0;
  // Those of them carrying every one of `tags`.
  virtual absl::StatusOr<std::vector<ServerInfo>> ListTagged(
      const std::map<std::string, std::string>& tags);
  // NotFound if there is no such server.
  virtual absl::StatusOr<ServerInfo> Get(const std::string& name) = 0;
  // Destroys the server and everything it used. NotFound if there is no such server.
  virtual absl::Status Delete(const std::string& name) = 0;
};

// True when `info` carries every one of `tags`.
bool HasTags(const ServerInfo& info, const std::map<std::string, std::string>& tags);

}  // namespace dm

#endif  // DM_CONTROLLER_PROVIDERS_CLOUD_PROVIDER_H_
