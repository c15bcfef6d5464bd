// The controller keeps every agent and token across a clean restart and a crash, and agents
// reconnect on their own.
#include <signal.h>

#include "tests/harness/fleet_fixture.h"

namespace dm::testing {
namespace {

class RestartTest : public FleetTest {
 protected:
  void SetUp() override {
    FleetTest::SetUp();
    StartController();
  }

  nlohmann::json Tokens() {
    CommandResult r = Dmctl({"token", "list", "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return nlohmann::json::parse(r.out, nullptr, false);
  }

  void CheckSurvives(int stop_signal) {
    std::string used = CreateToken({"--uses", "2", "--role", "dbserver"});
    std::string spare = CreateToken({"--uses", "3"});
    StartAgent("db-1", used);
    StartAgent("db-2", used);
    ASSERT_TRUE(WaitForAgentState("db-1", "connected"));
    ASSERT_TRUE(WaitForAgentState("db-2", "connected"));
    nlohmann::json before = Agents();

    int code = StopController(stop_signal);
    EXPECT_EQ(code, stop_signal == SIGTERM ? 0 : 128 + SIGKILL);
    EXPECT_EQ(Dmctl({"agents", "list"}).exit_code, 3);  // unreachable while down
    StartController();

    nlohmann::json after = Agents();
    ASSERT_EQ(after.size(), 2u);
    for (size_t i = 0; i < 2; ++i) {
      EXPECT_EQ(after[i]["name"], before[i]["name"]);
      EXPECT_EQ(after[i]["id"], before[i]["id"]);
      EXPECT_EQ(after[i]["role"], "dbserver");
      EXPECT_EQ(after[i]["cert_serial"], before[i]["cert_serial"]);
    }
    // The agents come back by themselves.
    EXPECT_TRUE(WaitForAgentState("db-1", "connected")) << agent("db-1")->Log();
    EXPECT_TRUE(WaitForAgentState("db-2", "connected")) << agent("db-2")->Log();

    nlohmann::json tokens = Tokens();
    ASSERT_EQ(tokens.size(), 2u);
    EXPECT_EQ(tokens[0]["uses_left"].get<int>() + tokens[1]["uses_left"].get<int>(), 3);
    // The spare token still enrolls.
    StartAgent("db-3", spare);
    EXPECT_TRUE(WaitForAgentState("db-3", "connected")) << agent("db-3")->Log();
  }
};

TEST_F(RestartTest, CleanRestartKeepsAgentsAndTokens) { CheckSurvives(SIGTERM); }

TEST_F(RestartTest, CrashKeepsAgentsAndTokens) { CheckSurvives(SIGKILL); }

TEST_F(RestartTest, ControllerStopsCleanlyOnSigtermWithAgentsConnected) {
  StartAgent("web-1", CreateToken());
  ASSERT_TRUE(WaitForAgentState("web-1", "connected"));
  absl::Time start = absl::Now();
  EXPECT_EQ(StopController(SIGTERM), 0);
  EXPECT_LT(absl::Now() - start, absl::Seconds(8));
  EXPECT_TRUE(controller()->WaitForLog("stopped cleanly", absl::Seconds(1)));
  // The agent keeps trying rather than giving up.
  absl::SleepFor(absl::Seconds(1));
  EXPECT_TRUE(agent("web-1")->Running());
}

TEST_F(RestartTest, OneControllerPerDataDirectory) {
  Process second(
      {BinaryPath("dm-controller"), "--data-dir", Path("ctl"), "--listen", "127.0.0.1:0"},
      Path("second.log"));
  EXPECT_EQ(second.Wait(absl::Seconds(20)), 1);
  EXPECT_NE(second.Log().find("another dm-controller is running"), std::string::npos)
      << second.Log();
}

}  // namespace
}  // namespace dm::testing
