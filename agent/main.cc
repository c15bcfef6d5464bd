// dm-agent: runs on every managed host. Enrolls once with a join token, then keeps one stream to
// the controller and runs what it is told.
//
// `dm-agent apply PATH` converges the host from cookbooks on disk instead (apply/).
//
// Exit codes: 0 stopped by a signal; 1 could not enroll or start; 2 bad command line;
// 3 the controller refuses this agent (removed: its certificate is revoked).
#include <atomic>
#include <csignal>
#include <cstdio>
#include <optional>
#include <thread>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "agent/apply/apply_command.h"
#include "agent/config/agent_config_file.h"
#include "agent/enroll/enroll.h"
#include "agent/facts/facts.h"
#include "agent/identity/agent_identity.h"
#include "agent/session/session.h"
#include "agent/supervise/supervised_service.h"
#include "common/cli/command_line.h"
#include "common/files.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "common/termination_signals.h"
#include "common/version.h"

namespace {

constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;
constexpr int kExitRefused = 3;

struct Flags {
  std::string controller;
  std::string token;
  std::string token_file;
  std::string data_dir = "/var/lib/dm-agent";
  std::string name;
  std::string log_level = "info";
  double enroll_timeout_seconds = 30;
};

// The identity in the data directory, enrolling first if there is none yet.
absl::StatusOr<dm::AgentIdentity> LoadOrEnroll(const Flags& flags) {
  absl::StatusOr<dm::AgentIdentity> identity = dm::AgentIdentity::Load(flags.data_dir);
  if (identity.ok()) {
    if (!flags.token.empty() || !flags.token_file.empty()) {
      dm::LogInfo("already enrolled as {}; the join token is not needed and was not used",
                  identity->name);
    }
    // An operator may move the controller; the flag wins over the address stored at enrollment.
    if (!flags.controller.empty()) identity->controller = flags.controller;
    return identity;
  }
  if (!absl::IsNotFound(identity.status())) return identity.status();

  std::string token = flags.token;
  if (!flags.token_file.empty()) {
    absl::StatusOr<std::string> text = dm::ReadFile(flags.token_file);
    if (!text.ok()) return text.status();
    token = std::string(absl::StripAsciiWhitespace(*text));
  }
  if (token.empty() || flags.controller.empty()) {
    return absl::FailedPreconditionError(
        "this agent is not enrolled yet: pass --controller HOST:PORT and --token TOKEN (from "
        "'dmctl token create')");
  }
  dm::EnrollOptions options;
  options.controller = flags.controller;
  options.token = token;
  options.data_dir = flags.data_dir;
  options.facts = dm::CollectFacts();
  options.name = flags.name.empty() ? options.facts.hostname() : flags.name;
  options.timeout = absl::Seconds(flags.enroll_timeout_seconds);
  dm::LogInfo("enrolling with {} as {}", options.controller, options.name);
  absl::StatusOr<dm::AgentIdentity> enrolled = dm::Enroll(options);
  if (enrolled.ok()) {
    dm::LogInfo("enrolled as {} (id {}, role '{}'); credentials in {}", enrolled->name,
                enrolled->id, enrolled->role, flags.data_dir);
  }
  return enrolled;
}

// Fills what the command line did not give from the YAML config file.
absl::Status ApplyConfigFile(const std::string& path, const dm::CommandLine& cli, Flags* flags) {
  DM_ASSIGN_OR_RETURN(dm::AgentConfigFile file, dm::ReadAgentConfigFile(path));
  // Each value, the flag that overrides it, and where it goes.
  const std::tuple<const std::optional<std::string>*, const char*, std::string*> fields[] = {
      {&file.controller, "--controller", &flags->controller},
      {&file.name, "--name", &flags->name},
      {&file.token, "--token", &flags->token},
      {&file.data_dir, "--data-dir", &flags->data_dir}};
  for (const auto& [value, flag, target] : fields) {
    if (value->has_value() && !cli.Given(flag)) *target = **value;
  }
  return absl::OkStatus();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::string(argv[1]) == "apply") return dm::RunApplyCommand(argc - 1, argv + 1);
  // Internal: the supervisor of a service on a host without systemd (agent/supervise/).
  if (argc == 3 && std::string(argv[1]) == "supervise") return dm::RunSupervisor(argv[2]);

  Flags flags;
  dm::CommandLine cli("dm-agent: the DeployMachine host agent");
  cli.SetVersion(std::string("dm-agent ") + dm::kVersion);
  cli.flags().Add(
      "--controller", &flags.controller,
      "Controller HOST:PORT; needed to enroll, afterwards it overrides the stored address");
  dm::FlagOption token = cli.flags().Add(
      "--token", &flags.token,
      "Join token from 'dmctl token create' (used once, to enroll; see --token-file)");
  cli.flags()
      .Add("--token-file", &flags.token_file,
           "Read the join token from this file instead: it stays out of the process list")
      .Excludes(token);
  cli.flags()
      .Add("--data-dir", &flags.data_dir, "Where the agent keeps its key and certificates (0700)")
      .ShowDefault();
  cli.flags().Add("--name", &flags.name, "The agent's name in the fleet (default: the hostname)");
  cli.flags()
      .Add("--enroll-timeout", &flags.enroll_timeout_seconds,
           "Seconds to keep trying to reach the controller when enrolling")
      .ShowDefault();
  cli.flags()
      .Add("--log-level", &flags.log_level, "trace, debug, info, warn or error")
      .ShowDefault();
  std::string config_path;
  cli.flags().Add("--config", &config_path,
                  "YAML file with controller, name, token and data_dir (as bootstrap writes "
                  "/etc/dm/agent.yaml); "
                  "flags given as well win");
  if (std::optional<int> exit_code = cli.Parse(argc, argv, kExitUsage)) return *exit_code;
  if (!config_path.empty()) {
    if (absl::Status s = ApplyConfigFile(config_path, cli, &flags); !s.ok()) {
      std::fprintf(stderr, "dm-agent: %s\n", std::string(s.message()).c_str());
      return kExitUsage;
    }
  }

  if (absl::Status s = dm::InitLogging("dm-agent", flags.log_level); !s.ok()) {
    std::fprintf(stderr, "dm-agent: %s\n", std::string(s.message()).c_str());
    return kExitUsage;
  }

  dm::BlockTerminationSignals();

  absl::StatusOr<dm::AgentIdentity> identity = LoadOrEnroll(flags);
  if (!identity.ok()) {
    dm::LogCritical("{}", std::string(identity.status().message()));
    return kExitFailure;
  }

  // Services that cookbooks enabled on a host without systemd come back with the agent.
  dm::StartEnabledServices(flags.data_dir, "/proc/self/exe");

  dm::SessionOptions session_options;
  session_options.state_dir = flags.data_dir;
  dm::Session session(*identity, session_options);
  std::atomic<bool> ended_by_itself{false};
  std::thread signal_waiter([&session, &ended_by_itself] {
    int received = dm::WaitForTerminationSignal();
    if (!ended_by_itself)
      dm::LogInfo("received {}, stopping", received == SIGTERM ? "SIGTERM" : "SIGINT");
    session.Stop();
  });
  absl::Status ended = session.Run();
  if (!ended.ok()) {
    // The session ended on its own (a refusal): wake the signal thread so it can be joined.
    ended_by_itself = true;
    pthread_kill(signal_waiter.native_handle(), SIGTERM);
  }
  signal_waiter.join();
  if (!ended.ok()) return kExitRefused;
  dm::LogInfo("stopped");
  return 0;
}
