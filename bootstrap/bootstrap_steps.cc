#include "bootstrap/bootstrap_steps.h"

#include <arpa/inet.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/status_macros.h"

namespace dm {
namespace {

constexpr char kAgentPackagePath[] = "/var/cache/dm/dm-agent.deb";

// The unit's last journal lines, for an error that would otherwise say only "exited with 1".
std::string UnitJournal(RemoteHost& host, const std::string& unit) {
  absl::StatusOr<SshResult> journal =
      host.Run({"journalctl", "--no-pager", "-o", "cat", "-n", "8", "-u", unit});
  if (!journal.ok() || journal->out.empty()) return "";
  return absl::StrCat("; its journal: ", absl::StripTrailingAsciiWhitespace(journal->out));
}

// Enables `unit` and starts it now. Starting failed once on a host that had just booted, on a
// machine under heavy load, with nothing in systemctl's output (CI, nftables): the second
// attempt is one second later, and an error after it carries the unit's journal.
absl::Status EnableAndStart(RemoteHost& host, const std::string& unit) {
  absl::StatusOr<std::string> first = host.Check({"systemctl", "enable", "--now", unit});
  if (first.ok()) return absl::OkStatus();
  DM_RETURN_IF_ERROR(host.Check({"sleep", "1"}).status());
  absl::StatusOr<std::string> second = host.Check({"systemctl", "start", unit});
  if (second.ok()) return absl::OkStatus();
  return absl::AbortedError(absl::StrCat("starting ", unit, " failed twice (",
                                         first.status().message(), "; ", second.status().message(),
                                         ")", UnitJournal(host, unit)));
}

// Fresh package lists. `apt-get update` hung for many minutes, twice, on a server whose apt proxy
// had just failed its first fetch of a release file asked for by several servers at once (the
// local provider's apt-cacher-ng, cold): two minutes, then once more, when the proxy has it.
absl::Status UpdatePackageLists(RemoteHost& host) {
  absl::StatusOr<std::string> first = host.Check({"timeout", "120", "apt-get", "-q", "update"});
  if (first.ok()) return absl::OkStatus();
  absl::StatusOr<std::string> second = host.Check({"timeout", "300", "apt-get", "-q", "update"});
  if (second.ok()) return absl::OkStatus();
  return absl::AbortedError(absl::StrCat("apt-get update failed twice (", first.status().message(),
                                         "; ", second.status().message(), ")"));
}

}  // namespace

std::string SshdHardeningConfig() {
  return "# Managed by DeployMachine bootstrap: keys only, no root, no passwords.\n"
         "PermitRootLogin no\n"
         "PasswordAuthentication no\n"
         "KbdInteractiveAuthentication no\n"
         "PubkeyAuthentication yes\n"
         "PermitEmptyPasswords no\n";
}

absl::StatusOr<std::string> FirewallRuleset(const std::string& controller_ip) {
  in_addr parsed{};
  if (::inet_pton(AF_INET, controller_ip.c_str(), &parsed) != 1) {
    return absl::InvalidArgumentError(absl::StrCat("'", controller_ip, "' is not an IPv4 address"));
  }
  return absl::StrCat(
      "#!/usr/sbin/nft -f\n"
      "# Managed by DeployMachine bootstrap: SSH and the controller in, everything out, until a\n"
      "# role opens more.\n"
      "flush ruleset\n"
      "table inet filter {\n"
      "  chain input {\n"
      "    type filter hook input priority 0; policy drop;\n"
      "    iif \"lo\" accept\n"
      "    ct state established,related accept\n"
      "    ct state invalid drop\n"
      "    ip protocol icmp accept\n"
      "    ip6 nexthdr icmpv6 accept\n"
      "    tcp dport 22 accept\n"
      "    ip saddr ",
      controller_ip,
      " accept\n"
      "  }\n"
      "  chain forward {\n"
      "    type filter hook forward priority 0; policy drop;\n"
      "  }\n"
      "  chain output {\n"
      "    type filter hook output priority 0; policy accept;\n"
      "  }\n"
      "}\n"
      "# Roles open what they serve here (e.g. \"add rule inet filter input tcp dport 80 "
      "accept\").\n"
      "include \"/etc/nftables.d/*.nft\"\n");
}

std::string AgentConfig(const std::string& controller, const std::string& name,
                        const std::string& token) {
  // Values are quoted YAML strings; none of them may contain a quote or a newline (the
  // controller's address, a validated server name, a token of [0-9a-z.]).
  return absl::StrCat("# Written by DeployMachine bootstrap.\n", "controller: \"", controller,
                      "\"\n", "name: \"", name, "\"\n", "token: \"", token, "\"\n",
                      "data_dir: /var/lib/dm-agent\n");
}

absl::StatusOr<bool> EnsureDeployUser(RemoteHost& host, const std::string& operator_key) {
  bool changed = false;
  DM_ASSIGN_OR_RETURN(SshResult id, host.Run({"id", "-nG", kDeployUser}));
  if (!id.ok()) {
    DM_RETURN_IF_ERROR(host.Check({"useradd", "--create-home", "--shell", "/bin/bash", "--groups",
                                   "sudo", kDeployUser})
                           .status());
    changed = true;
  } else if (!absl::StrContains(" " + std::string(absl::StripAsciiWhitespace(id.out)) + " ",
                                " sudo ")) {
    DM_RETURN_IF_ERROR(
        host.Check({"usermod", "--append", "--groups", "sudo", kDeployUser}).status());
    changed = true;
  }
  const std::string home = absl::StrCat("/home/", kDeployUser);
  DM_ASSIGN_OR_RETURN(SshResult ssh_dir, host.Run({"test", "-d", home + "/.ssh"}));
  if (!ssh_dir.ok()) {
    DM_RETURN_IF_ERROR(host.Check({"install", "-d", "-m", "0700", "-o", kDeployUser, "-g",
                                   kDeployUser, home + "/.ssh"})
                           .status());
    changed = true;
  }
  DM_ASSIGN_OR_RETURN(bool keys,
                      host.EnsureFile(home + "/.ssh/authorized_keys", operator_key + "\n", "0600",
                                      absl::StrCat(kDeployUser, ":", kDeployUser)));
  // The deploy user has no password: sudo must not ask for one.
  DM_ASSIGN_OR_RETURN(bool sudoers,
                      host.EnsureFile("/etc/sudoers.d/deploy",
                                      absl::StrCat(kDeployUser, " ALL=(ALL:ALL) NOPASSWD: ALL\n"),
                                      "0440", "root:root"));
  if (sudoers)
    DM_RETURN_IF_ERROR(host.Check({"visudo", "-c", "-f", "/etc/sudoers.d/deploy"}).status());
  return changed || keys || sudoers;
}

absl::StatusOr<bool> EnsureSshdHardened(RemoteHost& host) {
  DM_ASSIGN_OR_RETURN(bool changed, host.EnsureFile("/etc/ssh/sshd_config.d/10-deploymachine.conf",
                                                    SshdHardeningConfig(), "0644", "root:root"));
  if (changed) {
    DM_RETURN_IF_ERROR(host.Check({"sshd", "-t"}).status());
    // A reload keeps this session (and every other) open.
    DM_RETURN_IF_ERROR(host.Check({"systemctl", "reload", "ssh"}).status());
  }
  return changed;
}

absl::StatusOr<bool> EnsureFirewall(RemoteHost& host, const std::string& controller_ip) {
  DM_ASSIGN_OR_RETURN(std::string rules, FirewallRuleset(controller_ip));
  DM_RETURN_IF_ERROR(host.Check({"install", "-d", "-m", "0755", "/etc/nftables.d"}).status());
  DM_ASSIGN_OR_RETURN(bool changed,
                      host.EnsureFile("/etc/nftables.conf", rules, "0755", "root:root"));
  if (changed) {
    DM_RETURN_IF_ERROR(host.Check({"nft", "-c", "-f", "/etc/nftables.conf"}).status());
    DM_RETURN_IF_ERROR(host.Check({"nft", "-f", "/etc/nftables.conf"}).status());
  }
  // The service loads the same file at every boot.
  DM_ASSIGN_OR_RETURN(SshResult enabled,
                      host.Run({"systemctl", "is-enabled", "--quiet", "nftables"}));
  DM_ASSIGN_OR_RETURN(SshResult active,
                      host.Run({"systemctl", "is-active", "--quiet", "nftables"}));
  if (!enabled.ok() || !active.ok()) {
    DM_RETURN_IF_ERROR(EnableAndStart(host, "nftables"));
    changed = true;
  }
  return changed;
}

absl::StatusOr<bool> EnsureAgentInstalled(RemoteHost& host, const AgentPackage& package,
                                          const std::string& controller, const std::string& name,
                                          const std::string& token) {
  bool changed = false;
  DM_ASSIGN_OR_RETURN(SshResult installed,
                      host.Run({"dpkg-query", "-W", "-f=${Version}", "dm-agent"}));
  if (!installed.ok() || installed.out != package.version) {
    DM_RETURN_IF_ERROR(host.Check({"install", "-d", "-m", "0755", "/var/cache/dm"}).status());
    DM_RETURN_IF_ERROR(
        host.EnsureFile(kAgentPackagePath, package.content, "0644", "root:root").status());
    // apt resolves the package's dependencies (through the server's package mirror), from
    // fresh lists. The server runs exactly the controller's agent: versions differ by a digest,
    // not an order, so "older" is allowed (a controller rolled back installs its own again).
    DM_RETURN_IF_ERROR(UpdatePackageLists(host));
    absl::StatusOr<std::string> apt =
        host.Check({"env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "-q", "-y",
                    "-oDPkg::Lock::Timeout=120", "install", "--no-install-recommends",
                    "--allow-downgrades", kAgentPackagePath});
    if (!apt.ok()) return apt.status();
    changed = true;
  }
  if (!token.empty()) {
    DM_RETURN_IF_ERROR(host.Check({"install", "-d", "-m", "0700", "/etc/dm"}).status());
    DM_ASSIGN_OR_RETURN(bool config,
                        host.EnsureFile("/etc/dm/agent.yaml", AgentConfig(controller, name, token),
                                        "0600", "root:root"));
    changed = changed || config;
  }
  return changed;
}

absl::StatusOr<bool> EnsureAgentRunning(RemoteHost& host, bool restart) {
  DM_ASSIGN_OR_RETURN(SshResult enabled,
                      host.Run({"systemctl", "is-enabled", "--quiet", "dm-agent"}));
  DM_ASSIGN_OR_RETURN(SshResult active,
                      host.Run({"systemctl", "is-active", "--quiet", "dm-agent"}));
  if (enabled.ok() && active.ok() && restart) {
    DM_RETURN_IF_ERROR(host.Check({"systemctl", "restart", "dm-agent"}).status());
    return true;
  }
  if (enabled.ok() && active.ok()) return false;
  DM_RETURN_IF_ERROR(EnableAndStart(host, "dm-agent"));
  return true;
}

}  // namespace dm
