// Heartbeats, the missed-heartbeat window, reconnects, and resuming a command's output across a
// broken stream.
#include <signal.h>

#include "absl/strings/match.h"
#include "tests/harness/fleet_fixture.h"

namespace dm::testing {
namespace {

class LivenessTest : public FleetTest {
 protected:
  void SetUp() override {
    FleetTest::SetUp();
    StartController();
    StartAgent("web-1", CreateToken());
    ASSERT_TRUE(WaitForAgentState("web-1", "connected"));
  }
};

TEST_F(LivenessTest, AFrozenAgentIsMarkedDisconnectedAndRecovers) {
  // A stopped process keeps its TCP connection open: only the missing heartbeats tell.
  agent("web-1")->Signal(SIGSTOP);
  EXPECT_TRUE(WaitForAgentState("web-1", "disconnected", absl::Seconds(10)));
  agent("web-1")->Signal(SIGCONT);
  EXPECT_TRUE(WaitForAgentState("web-1", "connected", absl::Seconds(15))) << agent("web-1")->Log();
}

TEST_F(LivenessTest, LastSeenAdvancesWithHeartbeats) {
  auto last_seen = [this] { return Agents()[0]["last_seen"].get<std::string>(); };
  std::string first = last_seen();
  EXPECT_TRUE(Eventually([&] { return last_seen() != first; }, absl::Seconds(5)));
}

TEST_F(LivenessTest, CommandOutputSurvivesABrokenStream) {
  Process exec({BinaryPath("dmctl"), "--config", Path("ctl/dmctl.yaml"), "exec", "web-1", "--",
                "sh", "-c", "echo start; sleep 4; echo done"},
               Path("exec.log"));
  ASSERT_TRUE(exec.WaitForLog("start", absl::Seconds(10)));
  // Freeze the agent until the controller gives up on its stream; the program keeps running.
  agent("web-1")->Signal(SIGSTOP);
  ASSERT_TRUE(WaitForAgentState("web-1", "disconnected", absl::Seconds(10)));
  agent("web-1")->Signal(SIGCONT);

  // The agent reconnects in the same epoch and re-sends what the controller did not acknowledge.
  EXPECT_EQ(exec.Wait(absl::Seconds(30)), 0) << exec.Log();
  EXPECT_EQ(exec.Log(), "start\ndone\n");  // each line exactly once
  EXPECT_TRUE(controller()->WaitForLog("resuming after seq", absl::Seconds(1)));
}

TEST_F(LivenessTest, ACommandWhoseAgentNeverReturnsFails) {
  Process exec({BinaryPath("dmctl"), "--config", Path("ctl/dmctl.yaml"), "exec", "web-1", "--",
                "sleep", "60"},
               Path("exec.log"));
  ASSERT_TRUE(agent("web-1")->WaitForLog(": exec sleep", absl::Seconds(30))) << exec.Log();
  agent("web-1")->Signal(SIGKILL);
  // Window (3 heartbeats) plus the resume grace (two windows), then the call ends.
  EXPECT_EQ(exec.Wait(absl::Seconds(30)), 255);
  EXPECT_TRUE(absl::StrContains(exec.Log(), "disconnected")) << exec.Log();
}

TEST_F(LivenessTest, AnAgentThatRestartsMidCommandReportsItLost) {
  Process exec({BinaryPath("dmctl"), "--config", Path("ctl/dmctl.yaml"), "exec", "web-1", "--",
                "sleep", "60"},
               Path("exec.log"));
  // Once the agent runs it (not after a fixed time: a loaded machine starts dmctl slowly).
  ASSERT_TRUE(agent("web-1")->WaitForLog(": exec sleep", absl::Seconds(30))) << exec.Log();
  agent("web-1")->Stop();
  StartAgent("web-1", "");
  EXPECT_EQ(exec.Wait(absl::Seconds(30)), 255);
  EXPECT_TRUE(absl::StrContains(exec.Log(), "lost")) << exec.Log();
}

}  // namespace
}  // namespace dm::testing
