// Enrollment end to end: real controller, real agents, real dmctl on loopback.
#include <sys/stat.h>

#include "absl/strings/match.h"
#include "common/files.h"
#include "tests/harness/fleet_fixture.h"

namespace dm::testing {
namespace {

class EnrollmentTest : public FleetTest {
 protected:
  void SetUp() override {
    FleetTest::SetUp();
    StartController();
  }

  // Runs an agent that is expected to be refused; returns its exit code.
  int RefusedAgent(const std::string& name, const std::string& token) {
    Process* agent = StartAgent(name, token, {"--enroll-timeout", "5"});
    return agent->Wait(absl::Seconds(30));
  }
};

mode_t ModeOf(const std::string& path) {
  struct stat st {};
  stat(path.c_str(), &st);
  return st.st_mode & 0777;
}

TEST_F(EnrollmentTest, AgentsEnrollConnectAndKeepTheirKeysPrivate) {
  std::string token = CreateToken({"--uses", "3", "--role", "appnode"});
  for (const char* name : {"web-1", "web-2", "web-3"}) StartAgent(name, token);
  for (const char* name : {"web-1", "web-2", "web-3"}) {
    ASSERT_TRUE(WaitForAgentState(name, "connected")) << agent(name)->Log();
  }
  nlohmann::json agents = Agents();
  ASSERT_EQ(agents.size(), 3u);
  for (const auto& a : agents) {
    EXPECT_EQ(a["role"], "appnode");
    EXPECT_EQ(a["address"], "127.0.0.1");
    EXPECT_FALSE(a["id"].get<std::string>().empty());
    EXPECT_FALSE(a["version"].get<std::string>().empty());
    EXPECT_TRUE(a["last_seen"].is_string());
    EXPECT_GT(a["facts"]["cpus"].get<int>(), 0);
  }
  EXPECT_EQ(ModeOf(AgentDir("web-1")), 0700u);
  for (const char* file : {"agent.key", "agent.crt", "ca.crt", "agent.yaml"}) {
    EXPECT_EQ(ModeOf(AgentDir("web-1") + "/" + file), 0600u) << file;
  }
  CommandResult tokens = Dmctl({"token", "list", "--json"});
  ASSERT_EQ(tokens.exit_code, 0);
  EXPECT_EQ(nlohmann::json::parse(tokens.out)[0]["uses_left"], 0);
}

TEST_F(EnrollmentTest, AnEnrolledAgentStartsWithoutAToken) {
  StartAgent("web-1", CreateToken());
  ASSERT_TRUE(WaitForAgentState("web-1", "connected"));
  EXPECT_EQ(agent("web-1")->Stop(), 0);
  ASSERT_TRUE(WaitForAgentState("web-1", "disconnected"));
  StartAgent("web-1", "");
  EXPECT_TRUE(WaitForAgentState("web-1", "connected")) << agent("web-1")->Log();
}

TEST_F(EnrollmentTest, WrongSecretIsRefusedAndNothingIsStored) {
  std::string token = CreateToken();
  std::string wrong = token.substr(0, token.size() - 4) + "zzzz";
  EXPECT_EQ(RefusedAgent("web-1", wrong), 1);
  EXPECT_TRUE(absl::StrContains(agent("web-1")->Log(), "join token is not valid"))
      << agent("web-1")->Log();
  EXPECT_FALSE(PathExists(AgentDir("web-1")));
  EXPECT_TRUE(Agents().empty());
}

TEST_F(EnrollmentTest, MalformedTokenIsRefusedBeforeAnyNetworkTraffic) {
  EXPECT_EQ(RefusedAgent("web-1", "DM1.not-a-token"), 1);
  EXPECT_TRUE(absl::StrContains(agent("web-1")->Log(), "malformed"));
  EXPECT_FALSE(PathExists(AgentDir("web-1")));
}

TEST_F(EnrollmentTest, ExpiredTokenIsRefused) {
  std::string token = CreateToken({"--ttl", "1s"});
  absl::SleepFor(absl::Milliseconds(1500));
  EXPECT_EQ(RefusedAgent("web-1", token), 1);
  EXPECT_TRUE(absl::StrContains(agent("web-1")->Log(), "expired")) << agent("web-1")->Log();
  EXPECT_FALSE(PathExists(AgentDir("web-1")));
  EXPECT_TRUE(Agents().empty());
}

TEST_F(EnrollmentTest, UsedUpTokenIsRefused) {
  std::string token = CreateToken({"--uses", "1"});
  StartAgent("web-1", token);
  ASSERT_TRUE(WaitForAgentState("web-1", "connected"));
  EXPECT_EQ(RefusedAgent("web-2", token), 1);
  EXPECT_TRUE(absl::StrContains(agent("web-2")->Log(), "used up")) << agent("web-2")->Log();
  EXPECT_FALSE(PathExists(AgentDir("web-2")));
  EXPECT_EQ(Agents().size(), 1u);
}

TEST_F(EnrollmentTest, RevokedTokenIsRefused) {
  std::string token = CreateToken({"--uses", "5"});
  std::string id = token.substr(4 + 64 + 1, 8);
  CommandResult revoke = Dmctl({"token", "revoke", id});
  ASSERT_EQ(revoke.exit_code, 0) << revoke.err;
  EXPECT_EQ(RefusedAgent("web-1", token), 1);
  EXPECT_TRUE(absl::StrContains(agent("web-1")->Log(), "revoked")) << agent("web-1")->Log();
  CommandResult list = Dmctl({"token", "list", "--json"});
  EXPECT_EQ(nlohmann::json::parse(list.out)[0]["state"], "revoked");
  EXPECT_EQ(Dmctl({"token", "revoke", "nosuchid"}).exit_code, 1);
}

TEST_F(EnrollmentTest, AnAgentRefusesAControllerWhoseCaIsNotTheTokens) {
  std::string token = CreateToken();
  // A second controller with its own CA, at another address: the token must not work there,
  // and its secret must never be sent to it.
  Process impostor({BinaryPath("dm-controller"), "--data-dir", Path("impostor"), "--listen",
                    "127.0.0.1:0", "--dns-listen", "off"},
                   Path("impostor.log"));
  ASSERT_TRUE(impostor.WaitForLog("listening on", absl::Seconds(20)));
  std::string log = impostor.Log();
  std::string address = log.substr(log.find("listening on ") + 13);
  address = address.substr(0, address.find(';'));

  Process agent_proc({BinaryPath("dm-agent"), "--controller", address, "--token", token,
                      "--data-dir", AgentDir("web-1"), "--name", "web-1"},
                     Path("agent-impostor.log"));
  EXPECT_EQ(agent_proc.Wait(absl::Seconds(30)), 1);
  EXPECT_TRUE(absl::StrContains(agent_proc.Log(), "does not match the fingerprint"))
      << agent_proc.Log();
  EXPECT_FALSE(PathExists(AgentDir("web-1")));
  impostor.Stop();
  EXPECT_FALSE(absl::StrContains(impostor.Log(), "enroll")) << impostor.Log();
}

TEST_F(EnrollmentTest, DuplicateNameIsRefusedWithAHint) {
  std::string token = CreateToken({"--uses", "2"});
  StartAgent("web-1", token);
  ASSERT_TRUE(WaitForAgentState("web-1", "connected"));
  Process dup({BinaryPath("dm-agent"), "--controller", controller_address(), "--token", token,
               "--data-dir", Path("agents/dup"), "--name", "web-1"},
              Path("agent-dup.log"));
  EXPECT_EQ(dup.Wait(absl::Seconds(30)), 1);
  EXPECT_TRUE(absl::StrContains(dup.Log(), "dmctl agents remove web-1")) << dup.Log();
}

TEST_F(EnrollmentTest, AnAgentWithoutEnrollmentOrTokenSaysWhatItNeeds) {
  Process bare({BinaryPath("dm-agent"), "--data-dir", AgentDir("none")}, Path("agent-none.log"));
  EXPECT_EQ(bare.Wait(absl::Seconds(10)), 1);
  EXPECT_TRUE(absl::StrContains(bare.Log(), "not enrolled yet")) << bare.Log();
}

}  // namespace
}  // namespace dm::testing
