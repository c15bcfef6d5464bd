// The local provider on this machine for real: boots two systemd-nspawn servers on a bridge,
// reaches them over SSH with the reported host key, and checks that deleting them (or sweeping
// after a crash) leaves nothing behind. Integration test: needs root.
#include "controller/providers/local/local_provider.h"

#include <sys/wait.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "absl/strings/match.h"
#include "common/files.h"
#include "common/process.h"
#include "common/temp_dir.h"
#include "tests/harness/test_network.h"

namespace dm {
namespace {

using ::testing::HasSubstr;

class LocalProviderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root";
    // Servers of earlier test runs that died (a timeout) and that no running test owns.
    LocalProvider::SweepLeftovers([](const LocalLeftover& l) {
      return absl::StartsWith(l.state_dir, "/tmp/dm-") && !LocalProvider::InUse(l.state_dir);
    });
    // A subnet and bridge of its own, so that tests can run in parallel.
    network_ = std::make_unique<dm::testing::TestNetwork>();
    options_.state_dir = dir_ + "/provider";
    options_.bridge = network_->bridge();
    options_.subnet = network_->subnet();
    provider_ = std::make_unique<LocalProvider>(options_);
    Run({"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", dir_ + "/operator"});
    key_ = ReadFile(dir_ + "/operator.pub").value_or("");
  }
  void TearDown() override {
    LocalProvider::SweepLeftovers(
        [&](const LocalLeftover& l) { return l.state_dir == options_.state_dir; });
    if (network_ != nullptr) Run({"ip", "link", "del", options_.bridge}, /*check=*/false);
    if (HasFailure()) temp_.Keep();
  }

  std::string Run(std::vector<std::string> argv, bool check = true) {
    ProcessSpec spec;
    spec.argv = std::move(argv);
    spec.timeout = absl::Seconds(60);
    absl::StatusOr<ProcessResult> r = RunProcess(spec);
    if (check) {
      EXPECT_TRUE(r.ok() && r->ok())
          << spec.argv[0] << ": " << (r.ok() ? r->output : r.status().ToString());
    }
    return r.ok() ? r->output : "";
  }

  // ssh as root with the operator key, trusting only the host key the provider reported.
  ProcessResult Ssh(const ServerInfo& server, const std::string& command) {
    std::ofstream(dir_ + "/known_hosts") << server.address << " " << server.ssh_host_key << "\n";
    ProcessSpec spec;
    spec.argv = {"ssh",
                 "-o",
                 "BatchMode=yes",
                 "-o",
                 "StrictHostKeyChecking=yes",
                 "-o",
                 "UserKnownHostsFile=" + dir_ + "/known_hosts",
                 "-o",
                 "ConnectTimeout=5",
                 "-i",
                 dir_ + "/operator",
                 "root@" + server.address,
                 command};
    spec.timeout = absl::Seconds(120);
    return RunProcess(spec).value_or(ProcessResult{});
  }

  TempDir temp_{"dm-local-provider-test"};
  const std::string dir_ = temp_.path();
  std::string key_;
  // A server of that name with the operator's key (the local provider uses nothing else).
  ServerSpec Spec(const std::string& name) const {
    ServerSpec spec;
    spec.name = name;
    spec.ssh_public_key = key_;
    return spec;
  }
  std::unique_ptr<dm::testing::TestNetwork> network_;
  LocalProviderOptions options_;
  std::unique_ptr<LocalProvider> provider_;
};

TEST_F(LocalProviderTest, BootsRealServersThatReachEachOtherAndAptOnly) {
  std::vector<std::string> progress;
  auto a = provider_->Create(Spec("alpha"), [&](const std::string& m) { progress.push_back(m); });
  ASSERT_TRUE(a.ok()) << a.status();
  auto b = provider_->Create(Spec("beta"), [](const std::string&) {});
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(a->state, ProviderState::kRunning);
  EXPECT_EQ(a->address, options_.subnet + ".2");
  EXPECT_EQ(b->address, options_.subnet + ".3");
  EXPECT_TRUE(absl::StartsWith(a->ssh_host_key_fingerprint, "SHA256:"))
      << a->ssh_host_key_fingerprint;
  EXPECT_TRUE(
      absl::IsAlreadyExists(provider_->Create(Spec("alpha"), [](const std::string&) {}).status()));

  ProcessResult who =
      Ssh(*a, "hostname; systemctl is-system-running --wait; ip -4 -o addr show eth0");
  ASSERT_EQ(who.exit_code, 0) << who.output;
  EXPECT_THAT(who.output, HasSubstr("alpha\nrunning\n"));
  EXPECT_EQ(Ssh(*a, "ping -c1 -W2 " + b->address + " >/dev/null 2>&1 || (exec 3<>/dev/tcp/" +
                        b->address + "/22)")
                .exit_code,
            0);

  // Packages come through the proxy, and only from the Debian mirror.
  ProcessResult apt = Ssh(
      *a, "apt-get -q update >/dev/null && apt-get -q -y install hello >/dev/null 2>&1 && hello");
  EXPECT_EQ(apt.output, "Hello, world!\n") << apt.output;
  std::string refused =
      Run({"curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-x",
           "http://" + provider_->bridge_address() + ":3143", "http://example.com/"},
          false);
  EXPECT_EQ(refused, "403");

  // Another controller on the same state finds the servers (a restart).
  LocalProvider again(options_);
  auto listed = again.List();
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].state, ProviderState::kRunning);

  ASSERT_TRUE(provider_->Delete("alpha").ok());
  ASSERT_TRUE(provider_->Delete("beta").ok());
  EXPECT_TRUE(absl::IsNotFound(provider_->Get("alpha").status()));
  // Nothing left: no process, mount, namespace, veth or folder.
  EXPECT_EQ(Run({"sh", "-c", "pgrep -f '[s]ystemd-nspawn.*" + options_.state_dir + "' || true"}),
            "");
  EXPECT_THAT(ReadFile("/proc/self/mounts").value_or(""),
              ::testing::Not(HasSubstr(options_.state_dir)));
  EXPECT_THAT(Run({"ip", "netns", "list"}), ::testing::Not(HasSubstr("dm-alpha-")));
  EXPECT_EQ(Run({"sh", "-c", "ip -o link show master " + options_.bridge + " | wc -l"}), "0\n");
  EXPECT_FALSE(PathExists(options_.state_dir + "/servers/alpha"));
}

TEST_F(LocalProviderTest, LeftoversOfAKilledRunAreSweptByTheNextRun) {
  // A run that dies without cleaning up (a test killed by its timeout): a child process boots a
  // server and exits at once, skipping every destructor.
  LocalProviderOptions killed = options_;
  killed.state_dir = dir_ + "/killed";
  pid_t child = ::fork();
  if (child == 0) {
    LocalProvider doomed(killed);
    _exit(doomed.Create(Spec("crashed"), [](const std::string&) {}).ok() ? 0 : 1);
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  ASSERT_EQ(WEXITSTATUS(status), 0);
  ASSERT_NE(Run({"sh", "-c", "pgrep -f '[s]ystemd-nspawn.*" + killed.state_dir + "' || true"}), "");
  EXPECT_FALSE(LocalProvider::InUse(killed.state_dir));
  EXPECT_TRUE(LocalProvider::InUse(options_.state_dir));  // this test's own provider is alive

  // The next run sweeps what no living provider owns.
  int swept = LocalProvider::SweepLeftovers([](const LocalLeftover& l) {
    return absl::StartsWith(l.state_dir, "/tmp/dm-") && !LocalProvider::InUse(l.state_dir);
  });
  EXPECT_GE(swept, 1);
  EXPECT_EQ(Run({"sh", "-c", "pgrep -f '[s]ystemd-nspawn.*" + killed.state_dir + "' || true"}), "");
  EXPECT_THAT(ReadFile("/proc/self/mounts").value_or(""),
              ::testing::Not(HasSubstr(killed.state_dir)));
  EXPECT_THAT(Run({"ip", "netns", "list"}), ::testing::Not(HasSubstr("dm-crashed-")));
  EXPECT_FALSE(PathExists(killed.state_dir + "/servers/crashed"));
}

TEST_F(LocalProviderTest, RefusesBadNames) {
  EXPECT_TRUE(absl::IsInvalidArgument(
      provider_->Create(Spec("Bad_Name"), [](const std::string&) {}).status()));
  EXPECT_TRUE(
      absl::IsInvalidArgument(provider_->Create(Spec("../x"), [](const std::string&) {}).status()));
}

}  // namespace
}  // namespace dm
