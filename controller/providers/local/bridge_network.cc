#include "controller/providers/local/bridge_network.h"

#include "absl/strings/str_cat.h"
#include "common/files.h"
#include "common/process.h"
#include "common/status_macros.h"
#include "controller/providers/local/host_tools.h"

namespace dm::local {

absl::Status BridgeNetwork::EnsureBridge() {
  if (!PathExists("/sys/class/net/" + bridge_)) {
    absl::StatusOr<std::string> added =
        RunChecked({"ip", "link", "add", bridge_, "type", "bridge"});
    // Another controller (a parallel test) may have added it a moment ago.
    if (!added.ok() && !PathExists("/sys/class/net/" + bridge_)) return added.status();
  }
  absl::StatusOr<std::string> addresses =
      RunChecked({"ip", "-o", "-4", "addr", "show", "dev", bridge_});
  if (!addresses.ok()) return addresses.status();
  if (addresses->find(" " + HostAddress() + "/") == std::string::npos) {
    DM_RETURN_IF_ERROR(
        RunChecked({"ip", "addr", "add", HostAddress() + "/24", "dev", bridge_}).status());
  }
  return RunChecked({"ip", "link", "set", bridge_, "up"}).status();
}

absl::Status BridgeNetwork::Attach(const std::string& netns, const std::string& veth, int index) {
  const std::string peer = veth + "p";
  DM_RETURN_IF_ERROR(RunChecked({"ip", "netns", "add", netns}).status());
  DM_RETURN_IF_ERROR(
      RunChecked({"ip", "link", "add", veth, "type", "veth", "peer", "name", peer}).status());
  DM_RETURN_IF_ERROR(RunChecked({"ip", "link", "set", peer, "netns", netns}).status());
  DM_RETURN_IF_ERROR(RunChecked({"ip", "-n", netns, "link", "set", peer, "name", "eth0"}).status());
  DM_RETURN_IF_ERROR(RunChecked({"ip", "link", "set", veth, "master", bridge_, "up"}).status());
  DM_RETURN_IF_ERROR(
      RunChecked({"ip", "-n", netns, "addr", "add", AddressOf(index) + "/24", "dev", "eth0"})
          .status());
  DM_RETURN_IF_ERROR(RunChecked({"ip", "-n", netns, "link", "set", "eth0", "up"}).status());
  DM_RETURN_IF_ERROR(RunChecked({"ip", "-n", netns, "link", "set", "lo", "up"}).status());
  return RunChecked({"ip", "-n", netns, "route", "add", "default", "via", HostAddress()}).status();
}

void BridgeNetwork::Detach(const std::string& netns, const std::string& veth) {
  TryTool({"ip", "netns", "del", netns});
  TryTool({"ip", "link", "del", veth});  // usually gone with the namespace's end of the pair
}

}  // namespace dm::local
