#include "tests/harness/local_servers_fixture.h"

#include <unistd.h>

#include "absl/strings/match.h"
#include "controller/providers/local/local_provider.h"

namespace dm::testing {

void LocalServersTest::SetUpWith(const std::vector<std::string>& extra_args) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root";
  FleetTest::SetUp();
  // Servers of earlier test runs that died (a timeout) and that no running test owns.
  LocalProvider::SweepLeftovers([](const LocalLeftover& l) {
    return absl::StartsWith(l.state_dir, "/tmp/dm-") && !LocalProvider::InUse(l.state_dir);
  });
  // A network of its own, so that tests can run in parallel.
  network_ = std::make_unique<TestNetwork>();
  bridge_ = network_->bridge();
  subnet_ = network_->subnet();
  std::vector<std::string> args = {"--local-bridge", bridge_,
                                   "--local-subnet", subnet_,
                                   "--deploy-dir",   std::string(DM_SOURCE_DIR) + "/deploy"};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  controller_args_ = args;
  StartController("ctl", args);
}

void LocalServersTest::RestartController(const std::vector<std::string>& more_args) {
  StopController();
  std::vector<std::string> args = controller_args_;
  args.insert(args.end(), more_args.begin(), more_args.end());
  StartController("ctl", args);
}

void LocalServersTest::TearDown() {
  if (!bridge_.empty()) {
    // Whatever a failed test left running.
    LocalProvider::SweepLeftovers(
        [&](const LocalLeftover& l) { return l.state_dir == Path("ctl/local"); });
    Sh("ip link del " + bridge_ + " 2>/dev/null; true");
  }
  network_.reset();
  FleetTest::TearDown();
}

ProcessResult LocalServersTest::Sh(const std::string& command, absl::Duration timeout) {
  ProcessSpec spec;
  spec.argv = {"/bin/sh", "-c", command};
  spec.timeout = timeout;
  return RunProcess(spec).value_or(ProcessResult{});
}

nlohmann::json LocalServersTest::Servers() {
  CommandResult r = Dmctl({"servers", "list", "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return nlohmann::json::parse(r.out, nullptr, false);
}

ProcessResult LocalServersTest::Ssh(const std::string& user_at_host,
                                    const std::vector<std::string>& extra) {
  std::string opts;
  for (const std::string& e : extra) opts += " -o " + e;
  return Sh(
      "ssh -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o "
      "ConnectTimeout=5" +
      opts + " -i " + Path("ctl/ssh/operator_ed25519") + " " + user_at_host + " true 2>&1");
}

}  // namespace dm::testing
