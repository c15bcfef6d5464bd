// What the cloud providers that speak a hosted API share: their settings from the --providers
// file, and the wait for a new server to run with its addresses.
#ifndef DM_CONTROLLER_PROVIDERS_CLOUD_HOSTED_CLOUD_H_
#define DM_CONTROLLER_PROVIDERS_CLOUD_HOSTED_CLOUD_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "controller/providers/cloud_provider.h"

namespace dm {

struct HostedCloudOptions {
  std::string name;       // what fleets and dmctl call it
  std::string api_url;    // the API's base; tests point it at a contract fake
  std::string api_token;  // secret
  // Defaults for a server whose spec does not say.
  std::string image, size, region;
  absl::Duration timeout = absl::Seconds(30);       // one request
  absl::Duration poll_every = absl::Seconds(3);     // while a server boots
  absl::Duration boot_timeout = absl::Minutes(10);  // until it runs
  Clock* clock = Clock::Real();
};

// Asks `get` every `options.poll_every` until the server runs with a public address; reports
// each new state through `progress`. DeadlineExceeded after `options.boot_timeout`, naming the
// last state; an error `get` returns ends the wait at once.
absl::StatusOr<ServerInfo> WaitUntilRunning(const std::function<absl::StatusOr<ServerInfo>()>& get,
                                            const HostedCloudOptions& options,
                                            const ProgressFn& progress);

// A cloud firewall's rules for a server: SSH and `ports` from anywhere, everything TCP from
// `admit_from`; its name says what it admits ("dm-tcp-22-80-443", with "-a1b2c3d4" when it also
// admits addresses), so servers that need the same rules share one. `ports` comes back sorted,
// SSH included.
std::string FirewallName(std::vector<int>* ports, const std::vector<std::string>& admit_from);
// "203.0.113.5" -> "203.0.113.5/32" ("/128" for IPv6); a CIDR stays.
std::string AsCidr(const std::string& address);

// The key's type and base64 ("ssh-ed25519 AAAA..."), without its comment: how two copies of one
// public key are compared.
std::string PublicKeyWithoutComment(const std::string& key);

}  // namespace dm

#endif  // DM_CONTROLLER_PROVIDERS_CLOUD_HOSTED_CLOUD_H_
