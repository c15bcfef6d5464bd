// A test fixture that runs a real fleet on loopback: one dm-controller and any number of
// dm-agent processes, each with its own data directory under a fresh temporary folder, driven
// through the real dmctl binary. The folder (with every log) is kept when a test fails.
#ifndef DM_TESTS_HARNESS_FLEET_FIXTURE_H_
#define DM_TESTS_HARNESS_FLEET_FIXTURE_H_

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/temp_dir.h"
#include "tests/harness/process.h"

namespace dm::testing {

class FleetTest : public ::testing::Test {
 protected:
  // Heartbeats every half second keep the tests that wait for a disconnect short.
  static constexpr double kHeartbeatSeconds = 0.5;

  void SetUp() override;
  void TearDown() override;

  // Starts the controller with data directory `ctl/` (or `data_dir`), on 127.0.0.1 unless
  // `extra_args` has --listen. The first start picks a free port; later starts reuse it, as a
  // restarted controller must for its agents.
  Process* StartController(const std::string& data_dir = "ctl",
                           std::vector<std::string> extra_args = {});
  // SIGTERM (clean) or SIGKILL (crash); waits for the exit.
  int StopController(int signal = SIGTERM);

  CommandResult Dmctl(std::vector<std::string> args, const std::string& config = "",
                      absl::Duration timeout = absl::Seconds(60));
  // `dmctl token create ARGS`; fails the test if it does not print a token.
  std::string CreateToken(std::vector<std::string> args = {});
  // Starts an agent named `name` with data directory `agents/<name>`; an empty token starts an
  // already enrolled agent.
  Process* StartAgent(const std::string& name, const std::string& token,
                      std::vector<std::string> extra_args = {});
  // `dmctl agents list --json`, parsed.
  nlohmann::json Agents();
  // The state ("connected", "disconnected") of `name` in `agents list`, or "" if not listed.
  std::string AgentState(const std::string& name);
  bool WaitForAgentState(const std::string& name, const std::string& state,
                         absl::Duration timeout = absl::Seconds(15));

  std::string Path(const std::string& relative) const { return dir_ + "/" + relative; }
  std::string AgentDir(const std::string& name) const { return Path("agents/" + name); }
  const std::string& controller_address() const { return address_; }
  Process* controller() { return controller_.get(); }
  Process* agent(const std::string& name) { return agents_[name].get(); }
  // Every log written so far, concatenated.
  std::string AllLogs() const;

 private:
  TempDir temp_{"dm-it"};  // kept when a test fails, with every log
  const std::string dir_ = temp_.path();
  std::string address_;
  std::unique_ptr<Process> controller_;
  std::map<std::string, std::unique_ptr<Process>> agents_;
  std::vector<std::unique_ptr<Process>> retired_;  // replaced processes, kept for their logs
};

}  // namespace dm::testing

#endif  // DM_TESTS_HARNESS_FLEET_FIXTURE_H_
