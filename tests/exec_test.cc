// dmctl exec against real agents: output streaming, input of any size, exit codes, timeouts,
// cancellation.
#include <signal.h>

#include <algorithm>

#include "absl/strings/match.h"
#include "common/files.h"
#include "common/tls/digest.h"
#include "tests/harness/fleet_fixture.h"

namespace dm::testing {
namespace {

class ExecTest : public FleetTest {
 protected:
  void SetUp() override {
    FleetTest::SetUp();
    StartController();
    std::string token = CreateToken({"--uses", "2"});
    StartAgent("web-1", token);
    StartAgent("web-2", token);
    ASSERT_TRUE(WaitForAgentState("web-1", "connected"));
    ASSERT_TRUE(WaitForAgentState("web-2", "connected"));
  }
};

TEST_F(ExecTest, StreamsStdoutAndStderrAndReturnsTheExitCode) {
  CommandResult r = Dmctl({"exec", "web-1", "--", "sh", "-c", "echo out; echo err >&2; exit 7"});
  EXPECT_EQ(r.exit_code, 7);
  EXPECT_EQ(r.out, "out\n");
  EXPECT_EQ(r.err, "err\n");
}

TEST_F(ExecTest, ReachesTheNamedAgent) {
  for (const char* name : {"web-1", "web-2"}) {
    CommandResult r = Dmctl({"exec", name, "--env", "WHO=" + std::string(name), "--cwd", "/tmp",
                             "--", "sh", "-c", "echo $WHO $(pwd)"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, std::string(name) + " /tmp\n");
  }
}

TEST_F(ExecTest, LargeOutputArrivesWhole) {
  CommandResult r =
      Dmctl({"exec", "web-1", "--", "sh", "-c", "head -c 5000000 /dev/zero | tr '\\0' x"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.size(), 5000000u);
  EXPECT_EQ(r.out.find_first_not_of('x'), std::string::npos);
}

// Small input travels in the command; large input (over 4 MB: a database dump) is fetched by the
// agent in parts, checked and put together in order. Both must arrive byte for byte.
TEST_F(ExecTest, InputOfAnySizeReachesTheProgramWhole) {
  const std::string small = Path("small.txt"), large = Path("large.bin");
  ASSERT_TRUE(WriteFileAtomic(small, "hello\nworld\n", 0600).ok());
  std::string data(20u << 20, '\0');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>((i * 2654435761u) >> 13);
  // A run of identical parts too: the same part is fetched once and written where it occurs.
  std::fill(data.begin() + (5u << 20), data.begin() + (8u << 20), 'z');
  ASSERT_TRUE(WriteFileAtomic(large, data, 0600).ok());

  CommandResult echoed = Dmctl({"exec", "web-1", "--input", small, "--", "cat"});
  EXPECT_EQ(echoed.exit_code, 0) << echoed.err;
  EXPECT_EQ(echoed.out, "hello\nworld\n");
  CommandResult summed =
      Dmctl({"exec", "web-1", "--input", large, "--", "sha256sum"}, "", absl::Seconds(120));
  EXPECT_EQ(summed.exit_code, 0) << summed.err;
  EXPECT_EQ(summed.out, Sha256Hex(data) + "  -\n");
  CommandResult missing = Dmctl({"exec", "web-1", "--input", Path("none"), "--", "cat"});
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_TRUE(absl::StrContains(missing.err, "--input")) << missing.err;
}

TEST_F(ExecTest, MissingProgramExits127) {
  CommandResult r = Dmctl({"exec", "web-1", "--", "/no/such/program"});
  EXPECT_EQ(r.exit_code, 127);
  EXPECT_TRUE(absl::StrContains(r.err, "No such file")) << r.err;
}

TEST_F(ExecTest, RemoteTimeoutStopsTheProgram) {
  absl::Time start = absl::Now();
  CommandResult r = Dmctl({"exec", "web-1", "--timeout", "1", "--", "sleep", "30"});
  EXPECT_LT(absl::Now() - start, absl::Seconds(10));
  EXPECT_EQ(r.exit_code, 128 + SIGTERM);
  EXPECT_TRUE(absl::StrContains(r.err, "timed out")) << r.err;
}

TEST_F(ExecTest, InterruptingDmctlStopsTheRemoteProgram) {
  Process exec({BinaryPath("dmctl"), "--config", Path("ctl/dmctl.yaml"), "exec", "web-1", "--",
                "sh", "-c", "echo started; sleep 60"},
               Path("exec.log"));
  ASSERT_TRUE(exec.WaitForLog("started", absl::Seconds(10)));
  exec.Signal(SIGINT);
  EXPECT_NE(exec.Wait(absl::Seconds(10)), 0);
  EXPECT_TRUE(agent("web-1")->WaitForLog("cancelled", absl::Seconds(10))) << agent("web-1")->Log();
}

TEST_F(ExecTest, UnknownOrDisconnectedAgentsFailClearly) {
  CommandResult unknown = Dmctl({"exec", "nope", "--", "true"});
  EXPECT_EQ(unknown.exit_code, 255);
  EXPECT_TRUE(absl::StrContains(unknown.err, "no agent named 'nope'")) << unknown.err;

  agent("web-2")->Stop();
  ASSERT_TRUE(WaitForAgentState("web-2", "disconnected"));
  CommandResult down = Dmctl({"exec", "web-2", "--", "true"});
  EXPECT_EQ(down.exit_code, 255);
  EXPECT_TRUE(absl::StrContains(down.err, "web-2 is disconnected")) << down.err;
}

TEST_F(ExecTest, PingReachesEveryConnectedAgent) {
  CommandResult r = Dmctl({"agents", "ping", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json replies = nlohmann::json::parse(r.out);
  ASSERT_EQ(replies.size(), 2u);
  for (const auto& reply : replies) {
    EXPECT_TRUE(reply["error"].is_null());
    EXPECT_GT(reply["round_trip_us"].get<int64_t>(), 0);
  }
}

}  // namespace
}  // namespace dm::testing
