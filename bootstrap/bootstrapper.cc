#include "bootstrap/bootstrapper.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "bootstrap/bootstrap_steps.h"
#include "bootstrap/ssh_session.h"
#include "common/failpoint.h"

namespace dm {
namespace {

// How often a connection that failed without an answer is tried before giving up, on any server.
constexpr int kQuickConnectTries = 3;

}  // namespace

absl::StatusOr<BootstrapReport> Bootstrap(const BootstrapTarget& target,
                                          const BootstrapEnvironment& env,
                                          const StepReport& report) {
  SshTarget ssh{target.address, 22, "root", env.operator_key_path, target.ssh_host_key};
  report("connect", StepOutcome::kRunning, absl::StrCat("root@", target.address));
  // A server that does not answer yet (a cloud server on its first boot) or drops a connection
  // under load is tried again; a refusal or a wrong host key never is.
  const absl::Time give_up = absl::Now() + env.wait_for_ssh;
  bool said_waiting = false;
  auto connect = [&]() {
    absl::StatusOr<std::unique_ptr<SshSession>> session = SshSession::Connect(ssh);
    for (int tries = 1; absl::IsUnavailable(session.status()) &&
                        (tries < kQuickConnectTries || absl::Now() < give_up);
         ++tries) {
      if (!said_waiting && absl::Now() < give_up) {
        report(
            "connect", StepOutcome::kRunning,
            absl::StrCat("waiting for SSH at ", target.address, " (the server is still booting)"));
        said_waiting = true;
      }
      absl::SleepFor(absl::Seconds(2));
      session = SshSession::Connect(ssh);
    }
    return session;
  };
  absl::StatusOr<std::unique_ptr<SshSession>> session = connect();
  bool sudo = false;
  if (absl::IsUnauthenticated(session.status())) {
    // Bootstrapped before: root may no longer log in.
    ssh.user = kDeployUser;
    session = connect();
    sudo = true;
  }
  if (!session.ok()) {
    report("connect", StepOutcome::kFailed, std::string(session.status().message()));
    return absl::Status(session.status().code(),
                        absl::StrCat("step connect: ", session.status().message()));
  }
  report("connect", StepOutcome::kOk,
         absl::StrCat(ssh.user, "@", target.address, ", host key verified"));
  RemoteHost host(session->get(), sudo);

  BootstrapReport result;
  auto step = [&](const std::string& name,
                  const std::function<absl::StatusOr<bool>()>& run) -> absl::Status {
    report(name, StepOutcome::kRunning, "");
    absl::StatusOr<bool> changed = run();
    if (!changed.ok()) {
      report(name, StepOutcome::kFailed, std::string(changed.status().message()));
      return absl::Status(changed.status().code(),
                          absl::StrCat("step ", name, ": ", changed.status().message()));
    }
    result.changed_steps += *changed;
    report(name, *changed ? StepOutcome::kChanged : StepOutcome::kOk, "");
    Failpoint("bootstrap.after-" + name);
    return absl::OkStatus();
  };
  absl::Status s =
      step("deploy-user", [&] { return EnsureDeployUser(host, env.operator_public_key); });
  if (s.ok()) s = step("sshd", [&] { return EnsureSshdHardened(host); });
  if (s.ok()) s = step("firewall", [&] { return EnsureFirewall(host, env.controller_ip); });
  bool agent_changed = false;
  if (s.ok()) {
    s = step("agent", [&]() -> absl::StatusOr<bool> {
      absl::StatusOr<std::string> token = env.mint_token();
      if (!token.ok()) return token.status();
      absl::StatusOr<bool> changed =
          EnsureAgentInstalled(host, *env.package, env.controller, target.name, *token);
      agent_changed = changed.ok() && *changed;
      return changed;
    });
  }
  if (s.ok()) {
    s = step("start", [&]() -> absl::StatusOr<bool> {
      absl::StatusOr<bool> changed = EnsureAgentRunning(host, agent_changed);
      if (!changed.ok()) return changed;
      if (!env.wait_connected(absl::Seconds(60))) {
        absl::StatusOr<SshResult> journal =
            host.Run({"journalctl", "-u", "dm-agent", "-n", "20", "--no-pager"});
        return absl::DeadlineExceededError(absl::StrCat(
            "the agent did not connect within 60s; its log:\n", journal.ok() ? journal->out : ""));
      }
      return changed;
    });
  }
  result.bytes_sent = (*session)->bytes_sent();
  if (!s.ok()) return s;
  return result;
}

}  // namespace dm
