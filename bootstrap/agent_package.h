// dm-agent as a Debian package for bootstrap: the binary (stripped) and its systemd unit, with
// dependencies that apt resolves on the server (glibc, libstdc++, spdlog, fmt, re2: the rest is
// linked in statically). Versioned by the binary's hash, so a rebuilt agent upgrades hosts.
#ifndef DM_BOOTSTRAP_AGENT_PACKAGE_H_
#define DM_BOOTSTRAP_AGENT_PACKAGE_H_

#include <string>

#include "absl/status/statusor.h"

namespace dm {

struct AgentPackage {
  std::string path;     // the .deb
  std::string version;  // "0.1.0+1a2b3c4d"
  std::string content;  // its bytes
};

// Builds (or reuses) the package of `agent_binary` in `out_dir` with dpkg-deb.
absl::StatusOr<AgentPackage> BuildAgentPackage(const std::string& agent_binary,
                                               const std::string& out_dir);

}  // namespace dm

#endif  // DM_BOOTSTRAP_AGENT_PACKAGE_H_
