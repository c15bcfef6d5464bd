// A controller killed with -9 at each stage of `dmctl up`, on a real local server (ctest label
// "fleet"; needs root): with the server made but not yet recorded, after it booted, during
// bootstrap (hardened with no agent yet; then with its agent connected but not recorded), while
// it converges, and just before DNS is pointed. Each time the controller is started again and
// `up` is run again. At the end the fleet has the one server its file asks for and no other (no
// twin at the provider, in the records or among the agents), DNS points at it and the site keeps
// what is written to it. And an install that dpkg did not finish does not block the next.
//
// The kills land where they must through failpoints (common/failpoint.h): the controller is
// started with DM_FAILPOINTS naming one, waits there, and the test kills it once its log says so.
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/files.h"
#include "tests/harness/local_servers_fixture.h"

namespace dm::testing {
namespace {

class ControllerCrashTest : public LocalServersTest {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root";
    // A range of its own: FleetLifecycleTest's starts at 26000, HealthTest's at 28000.
    dns_port_ = 30000 + ::getpid() % 2000;
    SetUpWith({"--dns-listen", absl::StrCat("127.0.0.1:", dns_port_)});
    if (IsSkipped() || HasFatalFailure()) return;
    MakeAppRepository();
  }

  // Stops the controller (already killed, or cleanly) and starts it with `failpoint` armed ("":
  // none).
  void RestartWithFailpoint(const std::string& failpoint) {
    if (failpoint.empty()) {
      ::unsetenv("DM_FAILPOINTS");
    } else {
      ::setenv("DM_FAILPOINTS", failpoint.c_str(), 1);
    }
    RestartController();
    ::unsetenv("DM_FAILPOINTS");  // the controller has its copy; nothing else gets one
  }

  // The local servers' folders: one per server the provider holds, however far its boot got.
  std::vector<std::string> LocalServerFolders() {
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(Path("ctl/local/servers"), ec))
      names.push_back(e.path().filename().string());
    return names;
  }
};

TEST_F(ControllerCrashTest, UpFinishesWithTheSameServerAfterAKillAtEachStage) {
  const std::string fleet = WriteFleet("crash", "  dbappbalancer: 1\n");
  const std::string server = "crash-dbappbalancer-1";
  const std::vector<std::string> stages = {
      "boot.before_record",     // made at the provider, not recorded
      "up.after_boot",          // recorded, not bootstrapped
      "bootstrap.after-sshd",   // hardened: root logs in with its key only; no agent yet
      "bootstrap.after-start",  // its agent enrolled and connected; bootstrap not recorded
      "converge.running",       // its agent converging the role
      "dns.before_change",      // converged; DNS not pointed yet
  };
  for (size_t i = 0; i < stages.size(); ++i) {
    const std::string& stage = stages[i];
    SCOPED_TRACE(stage);
    RestartWithFailpoint(stage);
    // Whatever the last kill left: at most the one server, wherever it is counted.
    EXPECT_LE(LocalServerFolders().size(), 1u);
    EXPECT_LE(Servers().size(), 1u) << Servers().dump(2);
    if (i == 1) {
      EXPECT_TRUE(controller()->WaitForLog("removed local server " + server, absl::Seconds(5)))
          << "the half-booted server was not removed: " << controller()->Log();
      EXPECT_TRUE(LocalServerFolders().empty());
    }
    if (i == 2) {
      // Booted and recorded by now: the server every later up must keep, marked to be known.
      ASSERT_TRUE(InServer(server, "echo recorded > /root/first-boot").ok());
    }

    Process up({BinaryPath("dmctl"), "--config", Path("ctl/dmctl.yaml"), "up", fleet},
               Path(absl::StrCat("up-", i + 1, ".log")));
    ASSERT_TRUE(controller()->WaitForLog("failpoint " + stage + " reached", absl::Minutes(10)))
        << "up did not reach " << stage << ":\n"
        << up.Log() << AllLogs();
    StopController(SIGKILL);
    const int exit_code = up.Wait(absl::Seconds(60));
    EXPECT_NE(exit_code, 0) << "up went on without its controller: " << up.Log();
    EXPECT_NE(exit_code, -1) << "up still waits for a controller that is gone: " << up.Log();
  }

  RestartWithFailpoint("");
  CommandResult up = Dmctl({"up", fleet}, "", absl::Minutes(10));
  ASSERT_EQ(up.exit_code, 0) << up.out << up.err << AllLogs();
  EXPECT_TRUE(absl::StrContains(up.out, "answered 200 through")) << up.out;

  // One server, the one from the first boot that was recorded: no twin anywhere.
  EXPECT_EQ(LocalServerFolders(), std::vector<std::string>{server});
  EXPECT_EQ(InServer(server, "cat /root/first-boot").output, "recorded\n");
  nlohmann::json servers = Servers();
  ASSERT_EQ(servers.size(), 1u) << servers.dump(2);
  EXPECT_EQ(servers[0]["name"], server);
  nlohmann::json agents = Agents();
  ASSERT_EQ(agents.size(), 1u) << agents.dump(2);
  EXPECT_EQ(agents[0]["name"], server);
  const std::string address = servers[0]["address"];
  ProcessResult netns = Sh("ip netns list | grep -c '^dm-" + server + "-'");
  EXPECT_EQ(absl::StripAsciiWhitespace(netns.output), "1") << netns.output;

  // DNS and the site.
  EXPECT_EQ(Dig("www.crash.test"), address);
  EXPECT_EQ(Sh("curl -s -m 10 -o /dev/null -w '%{http_code}' -d name=ops -d message=crashed "
               "http://" +
               address + "/sign")
                .output,
            "303");
  std::string page = Sh("curl -sf -m 10 http://" + address + "/").output;
  EXPECT_TRUE(absl::StrContains(page, "1 entries")) << page;
  EXPECT_TRUE(absl::StrContains(page, "<li><b>ops</b>: crashed</li>")) << page;

  // And a last up changes nothing.
  CommandResult again = Dmctl({"up", fleet}, "", absl::Minutes(5));
  ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_TRUE(absl::StrContains(again.out, "nothing changed")) << again.out;

  // An install that dpkg did not finish (an agent or a host killed half-way) does not block the
  // next one: apt refuses to install until `dpkg --configure -a` has run, and the package
  // resource runs it once. (dpkg's journal of a cut install is a file in updates/.)
  ProcessResult cut =
      InServer(server,
               "mkdir -p /var/lib/dpkg/updates && : > /var/lib/dpkg/updates/0001 && "
               "apt-get -q -y install hello 2>&1; true");
  ASSERT_TRUE(absl::StrContains(cut.output, "dpkg was interrupted")) << cut.output;
  ProcessResult applied =
      InServer(server,
               "mkdir -p /tmp/book && echo \"- package: hello\" > /tmp/book/recipe.yaml && "
               "dm-agent apply /tmp/book --state-dir /tmp/apply-state",
               absl::Minutes(3));
  EXPECT_TRUE(applied.ok()) << applied.output;
  EXPECT_EQ(InServer(server, "dpkg-query -W -f=\\${db:Status-Abbrev} hello").output, "ii ");
  EXPECT_EQ(InServer(server, "ls -A /var/lib/dpkg/updates").output, "");
}

}  // namespace
}  // namespace dm::testing
