#include "controller/agents/peer_address.h"

#include "absl/strings/match.h"
#include "absl/strings/str_replace.h"

namespace dm {

std::string HostOfPeer(const std::string& peer) {
  std::string p = absl::StrReplaceAll(peer, {{"%5B", "["}, {"%5D", "]"}});
  for (const char* prefix : {"ipv4:", "ipv6:"}) {
    if (absl::StartsWith(p, prefix)) p = p.substr(std::string(prefix).size());
  }
  if (!p.empty() && p[0] == '[') {
    size_t close = p.find(']');
    return close == std::string::npos ? p : p.substr(1, close - 1);
  }
  size_t colon = p.rfind(':');
  return colon == std::string::npos ? p : p.substr(0, colon);
}

}  // namespace dm
