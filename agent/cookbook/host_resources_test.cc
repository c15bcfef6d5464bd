// Resources that act on the host itself: packages through the real apt, services through
// dm-agent's real supervisor, real users and groups, downloads from a real HTTP server, real
// git repositories. Integration tests: they need root (CI runs as root) and, for packages, the
// machine's Debian mirror.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "agent/cookbook/resources/user_database.h"
#include "agent/cookbook/testing/cookbook_fixture.h"
#include "common/files.h"
#include "common/process.h"
#include "tests/harness/process.h"

namespace dm::cookbook {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class HostResourcesTest : public testing::CookbookTest {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root";
    CookbookTest::SetUp();
  }
  void Sh(const std::string& command) {
    ProcessSpec spec;
    spec.argv = ShellCommand(command);
    absl::StatusOr<ProcessResult> r = RunProcess(spec);
    ASSERT_TRUE(r.ok() && r->ok())
        << command << ": " << (r.ok() ? r->output : r.status().ToString());
  }
  int ReadPid(const std::string& path) {
    int pid = 0;
    return absl::SimpleAtoi(ReadFile(path).value_or(""), &pid) ? pid : 0;
  }
};

TEST_F(HostResourcesTest, PackageInstallsThroughAptOnceAndRemoves) {
  Sh("apt-get -q -y remove hello >/dev/null 2>&1 || true");
  WriteRecipe("- package: hello\n");
  RunReport report = Converge();
  ASSERT_FALSE(report.failed()) << report.ToText(true);
  EXPECT_THAT(report.resources[0].changes, ElementsAre("install hello"));
  EXPECT_TRUE(PathExists("/usr/bin/hello"));
  EXPECT_EQ(Converge().Count(ResourceStatus::kChanged), 0);

  WriteRecipe("- package: hello\n  action: remove\n");
  report = Converge();
  EXPECT_EQ(report.Count(ResourceStatus::kChanged), 1) << report.ToText(true);
  EXPECT_FALSE(PathExists("/usr/bin/hello"));
}

TEST_F(HostResourcesTest, PackageThatDoesNotExistFailsWithAptsWords) {
  WriteRecipe("- package: no-such-package-dm\n");
  RunReport report = Converge();
  ASSERT_TRUE(report.failed());
  EXPECT_THAT(report.resources[0].message,
              HasSubstr("Unable to locate package no-such-package-dm"));
}

TEST_F(HostResourcesTest, SupervisedServiceStartsRestartsReloadsAndStops) {
  if (PathExists("/run/systemd/system"))
    GTEST_SKIP() << "this host runs systemd: the supervisor is not used";
  // The service says when its HUP trap is set (a reload before that would end the shell).
  const std::string command = "\"" + std::string("trap 'echo reloaded >> {{root}}/reloads' HUP; ") +
                              "echo $$ > {{root}}/ready; while true; do sleep 0.1; done\"";
  WriteRecipe(
      "- service: dm-test-sleeper\n  command: " + command +
      "\n"
      "- service: dm-test-sleeper-notified\n  command: [sleep, \"1000\"]\n  action: nothing\n");
  RunReport report = Converge();
  ASSERT_FALSE(report.failed()) << report.ToText(true);
  EXPECT_THAT(report.resources[0].changes, ElementsAre("enabled", "started"));
  std::string dir = state_dir() + "/services/dm-test-sleeper";
  int first = ReadPid(dir + "/main.pid");
  ASSERT_GT(first, 0);
  EXPECT_EQ(Converge().Count(ResourceStatus::kChanged), 0);

  // The supervisor brings a dead service back.
  ::kill(first, SIGKILL);
  int second = 0;
  for (int i = 0; i < 500 && (second == 0 || second == first); ++i) {
    absl::SleepFor(absl::Milliseconds(10));
    second = ReadPid(dir + "/main.pid");
  }
  EXPECT_NE(second, first);
  EXPECT_EQ(::kill(second, 0), 0);
  for (int i = 0; i < 500 && ReadPid(root() + "/ready") != second; ++i)
    absl::SleepFor(absl::Milliseconds(10));

  // reload delivers the signal; stop leaves nothing running.
  WriteRecipe("- service: dm-test-sleeper\n  command: " + command + "\n  action: reload\n");
  ASSERT_FALSE(Converge().failed());
  for (int i = 0; i < 200 && !Exists("reloads"); ++i) absl::SleepFor(absl::Milliseconds(10));
  EXPECT_EQ(Read("reloads"), "reloaded\n");
  int supervisor = ReadPid(dir + "/supervisor.pid");
  WriteRecipe("- service: dm-test-sleeper\n  action: [stop, disable]\n  command: x\n");
  report = Converge();
  EXPECT_THAT(report.resources[0].changes, ElementsAre("stopped", "disabled"));
  EXPECT_NE(::kill(second, 0), 0);
  EXPECT_NE(::kill(supervisor, 0), 0);
}

TEST_F(HostResourcesTest, SupervisedServiceThatDiesAtOnceFailsWithItsOutput) {
  if (PathExists("/run/systemd/system")) GTEST_SKIP() << "this host runs systemd";
  WriteRecipe("- service: dm-test-broken\n  command: \"echo missing config >&2; exit 1\"\n");
  RunReport report = Converge();
  ASSERT_TRUE(report.failed());
  EXPECT_THAT(report.resources[0].message, HasSubstr("did not stay up"));
  EXPECT_THAT(report.resources[0].message, HasSubstr("missing config"));
  EXPECT_FALSE(PathExists(state_dir() + "/services/dm-test-broken/supervisor.pid"));
}

TEST_F(HostResourcesTest, UserAndGroupWithAuthorizedKeys) {
  const std::string user = "dmtest-user", group = "dmtest-group";
  Sh("userdel -r " + user + " 2>/dev/null; groupdel " + group + " 2>/dev/null; true");
  WriteRecipe("- group: " + group +
              "\n"
              "- user: " +
              user + "\n  groups: [" + group +
              "]\n  shell: /bin/sh\n"
              "  authorized_keys: [\"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOps ops@laptop\"]\n");
  RunReport report = Converge();
  ASSERT_FALSE(report.failed()) << report.ToText(true);
  std::optional<UserEntry> entry = LookupUserEntry(user);
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry->shell, "/bin/sh");
  EXPECT_THAT(entry->groups, ElementsAre(group));
  std::string keys = entry->home + "/.ssh/authorized_keys";
  EXPECT_EQ(ReadFile(keys).value_or(""), "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOps ops@laptop\n");
  struct stat st {};
  ASSERT_EQ(::stat(keys.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  EXPECT_EQ(st.st_uid, entry->uid);
  EXPECT_EQ(Converge().Count(ResourceStatus::kChanged), 0);

  WriteRecipe("- user: " + user + "\n  action: remove\n- group: " + group + "\n  action: remove\n");
  ASSERT_FALSE(Converge().failed());
  EXPECT_FALSE(LookupUserEntry(user));
  EXPECT_FALSE(LookupGroupEntry(group));
  Sh("rm -rf /home/" + user);
}

TEST_F(HostResourcesTest, RemoteFileChecksTheSha256) {
  std::filesystem::create_directories(root() + "/www");
  std::ofstream(root() + "/www/release.txt") << "release 1.4\n";
  dm::testing::Process server({"/usr/bin/python3", "-u", "-m", "http.server", "0", "--bind",
                               "127.0.0.1", "--directory", root() + "/www"},
                              root() + "/../http.log");
  ASSERT_TRUE(server.WaitForLog("Serving HTTP", absl::Seconds(10))) << server.Log();
  std::smatch m;
  std::string log = server.Log();
  ASSERT_TRUE(std::regex_search(log, m, std::regex("port ([0-9]+)")));
  std::string url = absl::StrCat("http://127.0.0.1:", m[1].str(), "/release.txt");
  // sha256("release 1.4\n")
  const std::string good = "0a2e4e1e3f7d9e7be3f6d0c0f4e7b1bd5cbd5ba0d3e3e0ef2f8e3b3f0c2b1a90";
  ProcessSpec sum;
  sum.argv = {"sha256sum", root() + "/www/release.txt"};
  std::string actual = RunProcess(sum)->output.substr(0, 64);
  ASSERT_NE(actual, good);  // the constant above is deliberately wrong: it plays the tampered case

  WriteRecipe("- remote_file: \"{{root}}/release.txt\"\n  source: " + url + "\n  sha256: " + good +
              "\n");
  RunReport report = Converge();
  EXPECT_TRUE(report.failed());
  EXPECT_THAT(report.resources[0].message,
              HasSubstr("has sha256 " + actual + ", not the expected"));
  EXPECT_FALSE(Exists("release.txt"));

  WriteRecipe("- remote_file: \"{{root}}/release.txt\"\n  source: " + url +
              "\n  sha256: " + actual + "\n  mode: \"0600\"\n");
  report = Converge();
  ASSERT_FALSE(report.failed()) << report.ToText(true);
  EXPECT_EQ(Read("release.txt"), "release 1.4\n");
  EXPECT_EQ(Mode("release.txt"), 0600);
  server.Stop();
  EXPECT_EQ(Converge().Count(ResourceStatus::kChanged),
            0);  // no download needed: the checksum matches
}

TEST_F(HostResourcesTest, GitChecksOutBranchesTagsAndFollowsNewCommits) {
  std::string repo = root() + "/../repo";
  Sh("git init -q -b main " + repo + " && cd " + repo +
     " && git -c user.name=t -c user.email=t@t commit -q --allow-empty -m one && git tag v1"
     " && echo two > f && git add f && git -c user.name=t -c user.email=t@t commit -q -m two");
  WriteRecipe("- git: \"{{root}}/app\"\n  repository: " + repo + "\n  revision: v1\n");
  RunReport report = Converge();
  ASSERT_FALSE(report.failed()) << report.ToText(true);
  EXPECT_FALSE(Exists("app/f"));
  EXPECT_EQ(Converge().Count(ResourceStatus::kChanged), 0);

  WriteRecipe("- git: \"{{root}}/app\"\n  repository: " + repo + "\n  revision: main\n");
  ASSERT_FALSE(Converge().failed());
  EXPECT_EQ(Read("app/f"), "two\n");
  Sh("cd " + repo +
     " && echo three > f && git -c user.name=t -c user.email=t@t commit -q -am three");
  report = Converge();
  EXPECT_EQ(report.Count(ResourceStatus::kChanged), 1) << report.ToText(true);
  EXPECT_EQ(Read("app/f"), "three\n");

  WriteRecipe("- git: \"{{root}}/app\"\n  repository: " + repo + "\n  revision: nope\n");
  EXPECT_THAT(Converge().resources[0].message, HasSubstr("has no branch or tag 'nope'"));
}

// The complete example of docs/cookbooks.md (deploy/roles/example.yaml) really converges: a
// user, files, a template, a guarded command and a supervised HTTP server that serves the page.
TEST_F(HostResourcesTest, TheDocumentedExampleRoleServesItsPage) {
  if (PathExists("/run/systemd/system"))
    GTEST_SKIP() << "this host runs systemd: covered by the local provider's tests";
  const std::string user = "dmtest-site";
  LoadOptions options;
  options.path = std::string(DM_SOURCE_DIR) + "/deploy";
  options.role = "example";
  options.host_attributes = Attributes::object();
  ASSERT_TRUE(SetAttribute(options.host_attributes, "site.root", root() + "/site").ok());
  ASSERT_TRUE(SetAttribute(options.host_attributes, "site.port", "18931").ok());
  ASSERT_TRUE(SetAttribute(options.host_attributes, "site.user", user).ok());
  RunOptions run;
  run.state_dir = state_dir();
  run.agent_binary =
      std::string(std::getenv("DM_BIN_DIR") ? std::getenv("DM_BIN_DIR") : "build/bin") +
      "/dm-agent";
  ::chmod((root() + "/..").c_str(), 0755);

  absl::StatusOr<RunList> run_list = LoadRunList(options);
  ASSERT_TRUE(run_list.ok()) << run_list.status();
  RunReport report = cookbook::Converge(*run_list, run);
  ASSERT_FALSE(report.failed()) << report.ToText(true);

  ProcessSpec curl;
  curl.argv = {"curl",
               "-sf",
               "--max-time",
               "5",
               "--retry",
               "10",
               "--retry-connrefused",
               "--retry-delay",
               "1",
               "http://127.0.0.1:18931/"};
  curl.timeout = absl::Seconds(30);
  absl::StatusOr<ProcessResult> page = RunProcess(curl);
  ASSERT_TRUE(page.ok() && page->ok()) << (page.ok() ? page->output : page.status().ToString());
  EXPECT_THAT(page->output, HasSubstr("<h1>DeployMachine example</h1>"));

  EXPECT_EQ(cookbook::Converge(*run_list, run).Count(ResourceStatus::kChanged), 0);

  // Tear down through the same engine: stop the service, remove the account.
  WriteRecipe("- service: example-site\n  action: [stop, disable]\n  command: x\n- user: " + user +
              "\n  action: remove\n- group: " + user + "\n  action: remove\n");
  ASSERT_FALSE(Converge().failed());
  curl.argv = {"curl", "-sf", "--max-time", "5", "http://127.0.0.1:18931/"};
  EXPECT_FALSE(RunProcess(curl).value().ok());
}

}  // namespace
}  // namespace dm::cookbook
