#include "tests/harness/local_servers_fixture.h"

#include <unistd.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/files.h"
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
  std::vector<std::string> args = {"--local-bridge", bridge_, "--local-subnet", subnet_};
  if (send_deploy_folder_) {
    ProcessResult copied =
        Sh(absl::StrCat("mkdir -p ", Path("deploy"), " && cp -r ", DM_SOURCE_DIR, "/deploy/roles ",
                        DM_SOURCE_DIR, "/deploy/cookbooks ", Path("deploy")));
    ASSERT_TRUE(copied.ok()) << copied.output;
  } else {
    args.insert(args.end(), {"--deploy-dir", std::string(DM_SOURCE_DIR) + "/deploy"});
  }
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

std::string LocalServersTest::Dig(const std::string& name) {
  return std::string(absl::StripAsciiWhitespace(
      Sh(absl::StrCat("dig +short +time=2 @127.0.0.1 -p ", dns_port_, " ", name, " A")).output));
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

ProcessResult LocalServersTest::InServer(const std::string& name, const std::string& command,
                                         absl::Duration timeout) {
  // The server's init is the only child of its systemd-nspawn.
  const std::string pid_file = Path("ctl/local/servers/" + name + "/nspawn.pid");
  return Sh(absl::StrCat("init=$(pgrep -P \"$(cat ", pid_file, ")\" | head -1) && ",
                         "nsenter -t \"$init\" -m -u -i -n -p -- /bin/sh -c '", command, "' 2>&1"),
            timeout);
}

void LocalServersTest::KillServer(const std::string& name) {
  // Everything in the server's network namespace (its init and every process it started), then
  // its systemd-nspawn: as sudden as a machine losing power. The namespace is named as the local
  // provider names it: dm-NAME-<first 6 hex digits of the SHA-256 of its state folder>.
  const std::string state_dir = Path("ctl/local");
  Sh(absl::StrCat("tag=$(printf '%s' '", state_dir, "' | sha256sum | cut -c1-6); ",
                  "ip netns pids \"dm-", name, "-$tag\" | xargs -r kill -9; ", "kill -9 \"$(cat ",
                  state_dir, "/servers/", name, "/nspawn.pid)\""));
}

std::string LocalServersTest::MakeAppRepository() {
  const std::string app = Path("app");
  EXPECT_TRUE(MakeDirectories(app, 0755).ok());
  ProcessResult made = Sh(absl::StrCat(
      "cd ", app, " && cp -r ", DM_SOURCE_DIR, "/deploy/examples/app/guestbook.py ", DM_SOURCE_DIR,
      "/deploy/examples/app/static . && git init -q -b main && git -c user.name=t "
      "-c user.email=t@t add -A && ",
      "git -c user.name=t -c user.email=t@t commit -q -m v1 && git rev-parse HEAD"));
  EXPECT_TRUE(made.ok()) << made.output;
  return std::string(absl::StripAsciiWhitespace(made.output));
}

std::string LocalServersTest::CommitToApp(const std::string& edit, const std::string& message) {
  ProcessResult done =
      Sh(absl::StrCat("cd ", Path("app"), " && ", edit, " && git -c user.name=t -c user.email=t@t ",
                      "commit -q -am '", message, "' && git rev-parse HEAD"));
  EXPECT_TRUE(done.ok()) << done.output;
  return std::string(absl::StripAsciiWhitespace(done.output));
}

std::string LocalServersTest::WriteFleet(const std::string& name, const std::string& roles,
                                         const std::string& revision, const std::string& extra) {
  std::string path = Path(name + ".yaml");
  std::string text = absl::StrCat(
      "name: ", name, "\ndomain: ", name, ".test\nprovider: local\nroles:\n", roles,
      "app:\n  repository: app\n  revision: ", revision, "\n", kGuestbookApp,
      "secrets:\n  database.password: {generate: 24}\n  guestbook.secret_key: {generate: 32}\n",
      extra);
  EXPECT_TRUE(WriteFileAtomic(path, text, 0644).ok());
  return path;
}

}  // namespace dm::testing
