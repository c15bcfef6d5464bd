// The hardening steps bootstrap runs on a fresh server, in order (after the Slicehost guide the
// project started from). Each is idempotent: it looks first and changes only what differs, and
// says whether it changed anything. The file contents are here as functions so that tests can
// read exactly what a server gets.
#ifndef DM_BOOTSTRAP_BOOTSTRAP_STEPS_H_
#define DM_BOOTSTRAP_BOOTSTRAP_STEPS_H_

#include <string>

#include "absl/status/statusor.h"
#include "bootstrap/agent_package.h"
#include "bootstrap/remote_host.h"

namespace dm {

inline constexpr char kDeployUser[] = "deploy";

// sshd: keys only, no root, no passwords (a drop-in that wins over sshd_config).
std::string SshdHardeningConfig();
// nftables: SSH and the controller in, all out, nothing forwarded. `controller_ip` must be an
// IPv4 address (InvalidArgument otherwise: it becomes part of the ruleset).
absl::StatusOr<std::string> FirewallRuleset(const std::string& controller_ip);
// /etc/dm/agent.yaml for a server named `name`.
std::string AgentConfig(const std::string& controller, const std::string& name,
                        const std::string& token);

// 1. the deploy user: sudo without password, the operator's key.
absl::StatusOr<bool> EnsureDeployUser(RemoteHost& host, const std::string& operator_key);
// 2. sshd hardening, reloaded only when it changed (after `sshd -t` accepts it).
absl::StatusOr<bool> EnsureSshdHardened(RemoteHost& host);
// 3. the firewall, loaded now and at boot.
absl::StatusOr<bool> EnsureFirewall(RemoteHost& host, const std::string& controller_ip);
// 4. dm-agent's package and, when `token` is not empty (not enrolled yet), its config.
absl::StatusOr<bool> EnsureAgentInstalled(RemoteHost& host, const AgentPackage& package,
                                          const std::string& controller, const std::string& name,
                                          const std::string& token);
// 5. the agent service enabled and running; restarted when its package or config changed
//    (`restart`), so that the new binary runs.
absl::StatusOr<bool> EnsureAgentRunning(RemoteHost& host, bool restart);

}  // namespace dm

#endif  // DM_BOOTSTRAP_BOOTSTRAP_STEPS_H_
