// The local servers' network: a bridge on this machine with the host at .1 of a /24, and per
// server a network namespace joined to it by a veth pair ("eth0" inside, .N). Servers reach
// each other and the host's bridge address (where the apt proxy and the controller listen);
// nothing routes them further (this machine does not forward).
#ifndef DM_CONTROLLER_PROVIDERS_LOCAL_BRIDGE_NETWORK_H_
#define DM_CONTROLLER_PROVIDERS_LOCAL_BRIDGE_NETWORK_H_

#include <string>

#include "absl/status/status.h"

namespace dm::local {

class BridgeNetwork {
 public:
  // `subnet` is the first three octets of the /24 ("10.231.0").
  BridgeNetwork(std::string bridge, std::string subnet)
      : bridge_(std::move(bridge)), subnet_(std::move(subnet)) {}

  const std::string& bridge() const { return bridge_; }
  std::string HostAddress() const { return subnet_ + ".1"; }
  std::string AddressOf(int index) const { return subnet_ + "." + std::to_string(index); }

  // Creates the bridge with the host address if it is not there.
  absl::Status EnsureBridge();
  // Creates namespace `netns` with eth0 at .`index`, its default route via the host, linked to
  // the bridge through the host-side veth `veth`.
  absl::Status Attach(const std::string& netns, const std::string& veth, int index);
  // Removes the namespace and the veth (either may already be gone).
  static void Detach(const std::string& netns, const std::string& veth);

 private:
  std::string bridge_, subnet_;
};

}  // namespace dm::local

#endif  // DM_CONTROLLER_PROVIDERS_LOCAL_BRIDGE_NETWORK_H_
