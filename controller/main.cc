// dm-controller: the DeployMachine control plane. Owns the fleet's CA and state, admits agents
// with join tokens, keeps one stream per agent and serves dmctl.
#include <unistd.h>
#include <csignal>

#include <cstdio>

#include <optional>

#include "absl/time/time.h"
#include "common/cli/command_line.h"
#include "common/log.h"
#include "common/termination_signals.h"
#include "common/version.h"
#include "controller/rpc/controller_server.h"

int main(int argc, char** argv) {
  dm::ControllerOptions options;
  std::string log_level = "info";
  double heartbeat_seconds = 5;

  dm::CommandLine cli("dm-controller: the DeployMachine controller");
  cli.SetVersion(std::string("dm-controller ") + dm::kVersion);
  cli.flags()
      .Add("--data-dir", &options.data_dir,
           "Directory for the CA, credentials, state database and dmctl.yaml (created 0700)")
      .Required();
  cli.flags()
      .Add("--listen", &options.listen, "HOST:PORT to listen on; port 0 picks a free one")
      .ShowDefault();
  cli.flags()
      .Add("--heartbeat-interval", &heartbeat_seconds,
           "Seconds between agent heartbeats; an agent silent for three is disconnected")
      .ShowDefault()
      .Range(0.1, 3600.0);
  double lost_after_seconds = 0;
  cli.flags()
      .Add("--lost-after", &lost_after_seconds,
           "Seconds an agent may be silent before its host is lost and self-healing may replace "
           "it (default: six heartbeats, at least 10); with --heartbeat-interval 1, 4 takes a "
           "dead app server out of the load balancers within 10 s")
      .Range(0.0, 3600.0);
  cli.flags()
      .Add("--heal-replacements-per-hour", &options.healing.replacements_per_hour,
           "Servers self-healing may replace per fleet per hour")
      .ShowDefault()
      .Range(0, 1000);
  cli.flags()
      .Add("--heal-flap-changes", &options.healing.flap_changes,
           "A host whose health changes more often than this in 10 minutes is damped, not healed")
      .ShowDefault()
      .Range(1, 1000);
  cli.flags().Add("--deploy-dir", &options.deploy_dir,
                  "Folder with cookbooks/ and roles/ that dmctl converge sends to agents");
  // The local provider: real servers on this machine (needs root).
  std::string local_provider = ::geteuid() == 0 ? "on" : "off";
  cli.flags()
      .Add("--local-provider", &local_provider, "on or off (default: on when run as root)")
      .OneOf({"on", "off"});
  cli.flags()
      .Add("--local-bridge", &options.servers.local.bridge, "Bridge of the local servers' network")
      .ShowDefault();
  cli.flags()
      .Add("--local-subnet", &options.servers.local.subnet,
           "The local servers' /24, as its first three octets; this machine is .1")
      .ShowDefault();
  cli.flags()
      .Add("--image-cache", &options.servers.local.image_cache,
           "Where the local servers' base image is built and kept")
      .ShowDefault();
  cli.flags()
      .Add("--dns-listen", &options.dns_listen,
           "HOST:PORT where the embedded PowerDNS answers for fleets' domains, or off")
      .ShowDefault();
  cli.flags().Add("--backup-dir", &options.backup_dir,
                  "Where fleets' database backups go (default: DATA_DIR/backups)");
  cli.flags().Add(
      "--backup-store", &options.backup_store,
      "A YAML file (mode 0600) naming the object store for backups and its credentials: "
      "type: swift, s3 or directory (see docs/fleets.md)");
  cli.flags().Add("--providers", &options.providers,
                  "A YAML file (mode 0600) naming DNS and cloud providers and their credentials: "
                  "dns: and cloud: lists of {name, type, ...} (see docs/providers.md)");
  cli.flags().Add("--advertise", &options.advertise,
                  "HOST[:PORT] where servers at cloud providers reach this controller (the port "
                  "defaults to --listen's, which must take connections there)");
  int git_port = 9418;
  cli.flags()
      .Add("--git-port", &git_port,
           "With --advertise: the port cloud servers fetch fleets' apps on (git daemon, only "
           "from the controller's cloud servers' addresses); 0 picks a free one")
      .ShowDefault();
  cli.flags().Add("--agent-binary", &options.servers.agent_binary,
                  "The dm-agent that bootstrap installs (default: the one beside dm-controller)");
  cli.flags().Add("--log-level", &log_level, "trace, debug, info, warn or error").ShowDefault();
  if (std::optional<int> exit_code = cli.Parse(argc, argv)) return *exit_code;
  options.servers.local_provider = local_provider == "on";
  if (git_port < 0 || git_port > 65535) {
    std::fprintf(stderr, "dm-controller: --git-port: 0 to 65535\n");
    return 2;
  }
  options.git_port = static_cast<uint16_t>(git_port);
  options.heartbeat_interval = absl::Seconds(heartbeat_seconds);
  options.lost_after = absl::Seconds(lost_after_seconds);

  if (absl::Status s = dm::InitLogging("dm-controller", log_level); !s.ok()) {
    std::fprintf(stderr, "dm-controller: %s\n", std::string(s.message()).c_str());
    return 2;
  }

  // Before any thread starts: this thread takes the signals once the server runs.
  dm::BlockTerminationSignals();

  auto server = dm::ControllerServer::Start(options);
  if (!server.ok()) {
    dm::LogCritical("cannot start: {}", std::string(server.status().message()));
    return 1;
  }
  dm::LogInfo("dm-controller {} listening on {}; dmctl config: {}/dmctl.yaml", dm::kVersion,
              (*server)->bound_address(), options.data_dir);

  int received = dm::WaitForTerminationSignal();
  dm::LogInfo("received {}, shutting down", received == SIGTERM ? "SIGTERM" : "SIGINT");
  (*server)->Shutdown();
  dm::LogInfo("stopped cleanly");
  return 0;
}
