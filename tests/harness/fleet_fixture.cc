#include "tests/harness/fleet_fixture.h"

#include <signal.h>
#include <stdlib.h>

#include <filesystem>
#include <regex>

#include "common/files.h"

namespace dm::testing {

void FleetTest::SetUp() { std::filesystem::create_directories(dir_ + "/agents"); }

void FleetTest::TearDown() {
  for (auto& [name, agent] : agents_) {
    if (agent) agent->Stop(absl::Seconds(5));
  }
  if (controller_) controller_->Stop(absl::Seconds(5));
  // A controller that had to be killed leaves its PowerDNS running (it drops to its own user,
  // which clears the death signal; the next controller on the same data directory stops it, but
  // no test starts one again).
  RunCommand({"/usr/bin/pkill", "-KILL", "-f", "pdns_server --config-dir=" + dir_ + "/"});
  if (HasFailure()) temp_.Keep();
}

Process* FleetTest::StartController(const std::string& data_dir,
                                    std::vector<std::string> extra_args) {
  if (controller_) retired_.push_back(std::move(controller_));
  std::string listen = address_.empty() ? "127.0.0.1:0" : address_;
  static int starts = 0;
  std::string log = Path("controller-" + std::to_string(++starts) + ".log");
  std::vector<std::string> argv = {BinaryPath("dm-controller"), "--data-dir", Path(data_dir),
                                   "--heartbeat-interval", std::to_string(kHeartbeatSeconds)};
  // A test whose servers are elsewhere (a cloud's network) says where to listen itself.
  if (std::find(extra_args.begin(), extra_args.end(), "--listen") == extra_args.end()) {
    argv.insert(argv.end(), {"--listen", listen});
  }
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  // Tests run side by side: DNS only for those that ask for it, on a port of their own.
  if (std::find(extra_args.begin(), extra_args.end(), "--dns-listen") == extra_args.end()) {
    argv.insert(argv.end(), {"--dns-listen", "off"});
  }
  controller_ = std::make_unique<Process>(argv, log);
  EXPECT_TRUE(controller_->WaitForLog(" listening on ", absl::Seconds(20))) << controller_->Log();
  std::smatch match;
  std::string text = controller_->Log();
  if (std::regex_search(text, match, std::regex("listening on ([0-9.]+:[0-9]+)")))
    address_ = match[1];
  return controller_.get();
}

int FleetTest::StopController(int signal) {
  controller_->Signal(signal);
  return controller_->Wait(absl::Seconds(20));
}

CommandResult FleetTest::Dmctl(std::vector<std::string> args, const std::string& config,
                               absl::Duration timeout) {
  args.insert(args.begin(),
              {BinaryPath("dmctl"), "--config", config.empty() ? Path("ctl/dmctl.yaml") : config});
  return RunCommand(args, timeout);
}

std::string FleetTest::CreateToken(std::vector<std::string> args) {
  args.insert(args.begin(), {"token", "create"});
  CommandResult r = Dmctl(args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::string token = r.out.substr(0, r.out.find('\n'));
  EXPECT_EQ(token.rfind("DM1.", 0), 0u) << r.out;
  return token;
}

Process* FleetTest::StartAgent(const std::string& name, const std::string& token,
                               std::vector<std::string> extra_args) {
  std::vector<std::string> argv = {BinaryPath("dm-agent"), "--data-dir", AgentDir(name)};
  if (!token.empty())
    argv.insert(argv.end(), {"--controller", address_, "--token", token, "--name", name});
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  if (agents_[name]) retired_.push_back(std::move(agents_[name]));
  int n = 0;
  std::string log;
  do {
    log = Path("agent-" + name + "-" + std::to_string(++n) + ".log");
  } while (PathExists(log));
  agents_[name] = std::make_unique<Process>(argv, log);
  return agents_[name].get();
}

nlohmann::json FleetTest::Agents() {
  CommandResult r = Dmctl({"agents", "list", "--json"});
  if (r.exit_code != 0) return nlohmann::json::array();
  return nlohmann::json::parse(r.out, nullptr, /*allow_exceptions=*/false);
}

std::string FleetTest::AgentState(const std::string& name) {
  for (const auto& a : Agents()) {
    if (a.value("name", "") == name) return a.value("state", "");
  }
  return "";
}

bool FleetTest::WaitForAgentState(const std::string& name, const std::string& state,
                                  absl::Duration timeout) {
  return Eventually([&] { return AgentState(name) == state; }, timeout);
}

std::string FleetTest::AllLogs() const {
  std::string all;
  for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
    if (entry.path().extension() == ".log") all += ReadFile(entry.path().string()).value_or("");
  }
  return all;
}

}  // namespace dm::testing
