// Bootstrap: from a freshly booted server to a hardened host running an enrolled dm-agent, over
// SSH, step by step (bootstrap_steps.h), each reported as it runs. Connects as root with the
// operator's key; once an earlier bootstrap has turned root logins off, as the deploy user with
// sudo. Running it again changes nothing.
#ifndef DM_BOOTSTRAP_BOOTSTRAPPER_H_
#define DM_BOOTSTRAP_BOOTSTRAPPER_H_

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "bootstrap/agent_package.h"
#include "bootstrap/step_outcome.h"

namespace dm {

struct BootstrapTarget {
  std::string name;
  std::string address;
  std::string ssh_host_key;  // as the provider reported it
};

struct BootstrapEnvironment {
  std::string operator_key_path;    // private key
  std::string operator_public_key;  // its public line
  std::string controller;           // HOST:PORT as the server reaches it
  std::string controller_ip;        // for the firewall
  const AgentPackage* package = nullptr;
  // A join token for the server's agent, or "" when an agent of that name is enrolled already.
  std::function<absl::StatusOr<std::string>()> mint_token;
  // Waits until the agent of that name is connected; false on timeout.
  std::function<bool(absl::Duration)> wait_connected;
  // A cloud reports a server running well before its first boot has started sshd: until then
  // a refused or unanswered connection is tried again, for at most this long. A wrong host key
  // or a refused login is never retried.
  absl::Duration wait_for_ssh = absl::ZeroDuration();
};

struct BootstrapReport {
  int changed_steps = 0;
  uint64_t bytes_sent = 0;
};

// `report(step, outcome, detail)`, from the bootstrapping thread.
using StepReport =
    std::function<void(const std::string& step, StepOutcome outcome, const std::string& detail)>;

// A failure names the step and the cause ("step firewall: nft exited with 1: ...").
absl::StatusOr<BootstrapReport> Bootstrap(const BootstrapTarget& target,
                                          const BootstrapEnvironment& env,
                                          const StepReport& report);

}  // namespace dm

#endif  // DM_BOOTSTRAP_BOOTSTRAPPER_H_
