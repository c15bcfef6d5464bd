// Faults, each a test with real processes: the agent killed with -9 in the middle of writing
// large files, a full disk under a path it manages, a full disk under the controller's data
// directory, and the network between controller and agent dropping packets or stalling.
//
// The network's faults are iptables rules on the test controller's own port (this machine
// kind's kernel has no netem: tc answers "Specified qdisc kind is unknown"), so tests running
// beside this one are not touched.
#include <fcntl.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/files.h"
#include "tests/harness/fleet_fixture.h"

namespace dm::testing {
namespace {

constexpr int kFiles = 24;
constexpr size_t kPieceBytes = 128 << 10;  // each file is 8 pieces: 1 MiB

// A small filesystem mounted at a path for one test (tmpfs), unmounted when it ends.
class SmallDisk {
 public:
  SmallDisk(const std::string& path, const std::string& size) : path_(path) {
    std::filesystem::create_directories(path);
    mounted_ = ::mount("tmpfs", path.c_str(), "tmpfs", 0, ("size=" + size).c_str()) == 0;
  }
  ~SmallDisk() {
    if (mounted_) ::umount2(path_.c_str(), MNT_DETACH);
  }
  bool mounted() const { return mounted_; }
  // Takes every free byte but `leave` with a file of its own; Free() gives them back.
  void Fill(size_t leave = 0) {
    struct statvfs fs {};
    ASSERT_EQ(::statvfs(path_.c_str(), &fs), 0);
    size_t free_bytes = fs.f_bavail * fs.f_frsize;
    int fd = ::open((path_ + "/.filler").c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    ASSERT_GE(fd, 0);
    if (free_bytes > leave) ::posix_fallocate(fd, 0, static_cast<off_t>(free_bytes - leave));
    ::close(fd);
  }
  void Free() { std::filesystem::remove(path_ + "/.filler"); }

 private:
  std::string path_;
  bool mounted_ = false;
};

class AgentFaultTest : public FleetTest {
 protected:
  void SetUp() override {
    FleetTest::SetUp();
    // One template rendered into kFiles large files under {{base}}.
    std::string recipe = "- directory: \"{{base}}\"\n";
    for (int i = 0; i < kFiles; ++i)
      absl::StrAppend(&recipe, "- template: \"{{base}}/file-", i, "\"\n  source: big.mustache\n");
    WriteDeploy("roles/web.yaml", "cookbooks: [big]\n");
    WriteDeploy("cookbooks/big/recipe.yaml", recipe);
    WriteDeploy("cookbooks/big/templates/big.mustache",
                "{{piece}}{{piece}}{{piece}}{{piece}}{{piece}}{{piece}}{{piece}}{{piece}}");
    SetPiece('a');
    StartController("ctl", {"--deploy-dir", Path("deploy")});
    StartAgent("web-1", CreateToken({"--role", "web"}));
    ASSERT_TRUE(WaitForAgentState("web-1", "connected"));
  }

  void WriteDeploy(const std::string& relative, const std::string& text) {
    std::filesystem::path p = Path("deploy/" + relative);
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p) << text;
  }
  // Every file's content is 8 copies of a piece of `letter`s.
  void SetPiece(char letter, const std::string& base = "") {
    WriteDeploy("cookbooks/big/attributes.yaml",
                absl::StrCat("base: ", base.empty() ? Path("site") : base,
                             "\npiece: ", std::string(kPieceBytes, letter), "\n"));
  }

  // Each file is whole, all of one letter among `allowed`, and no temporary file is left.
  void ExpectWholeFiles(const std::string& dir, const std::string& allowed, bool no_leftovers) {
    for (int i = 0; i < kFiles; ++i) {
      std::string path = absl::StrCat(dir, "/file-", i);
      if (!PathExists(path)) continue;  // not written yet: also whole
      std::string content = *ReadFile(path);
      ASSERT_EQ(content.size(), 8 * kPieceBytes) << path << " is half-written";
      ASSERT_NE(allowed.find(content[0]), std::string::npos) << path;
      ASSERT_EQ(content.find_first_not_of(content[0]), std::string::npos) << path << " is mixed";
    }
    if (!no_leftovers) return;
    for (const auto& entry : std::filesystem::directory_iterator(dir))
      EXPECT_FALSE(absl::StrContains(entry.path().filename().string(), ".dm-new."))
          << entry.path() << " was left behind";
  }
};

TEST_F(AgentFaultTest, AnAgentKilledMidWriteLeavesEveryFileWholeAndTheNextConvergeFinishes) {
  CommandResult first = Dmctl({"converge", "web-1"});
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  ExpectWholeFiles(Path("site"), "a", true);

  // Kill the agent at several moments of converging to b: every file is a or b, whole.
  SetPiece('b');
  for (int delay_ms : {150, 300, 450, 600, 900}) {
    std::thread converge([this] { Dmctl({"converge", "web-1"}, "", absl::Seconds(90)); });
    absl::SleepFor(absl::Milliseconds(delay_ms));
    agent("web-1")->Signal(SIGKILL);
    agent("web-1")->Wait(absl::Seconds(10));
    ExpectWholeFiles(Path("site"), "ab", false);
    StartAgent("web-1", "");  // enrolled: starts again with its identity
    converge.join();          // the controller fails the command the restarted agent no longer has
    ASSERT_TRUE(WaitForAgentState("web-1", "connected"));
  }
  // The next converge finishes the job and sweeps what the killed agents left.
  CommandResult last = Dmctl({"converge", "web-1"});
  ASSERT_EQ(last.exit_code, 0) << last.out << last.err;
  ExpectWholeFiles(Path("site"), "b", true);
}

TEST_F(AgentFaultTest, AFullDiskUnderAManagedPathFailsNamingItAndKeepsThePreviousFiles) {
  if (::geteuid() != 0) GTEST_SKIP() << "mounting a small filesystem needs root";
  const std::string small = Path("small");
  SmallDisk disk(small, "8m");
  ASSERT_TRUE(disk.mounted());

  // 24 MiB of files on 8 MiB: the first converge writes what fits, then fails.
  SetPiece('a', small);
  CommandResult full = Dmctl({"converge", "web-1"});
  EXPECT_NE(full.exit_code, 0);
  EXPECT_TRUE(absl::StrContains(full.out + full.err, small)) << full.out << full.err;
  EXPECT_TRUE(absl::StrContains(full.out + full.err, "No space left on device"))
      << full.out << full.err;
  ExpectWholeFiles(small, "a", true);

  // Made to fit (a smaller piece would change every file; fewer files do it): the files there
  // stay whole while the next run fails again, and nothing is left half-written.
  SetPiece('b', small);
  CommandResult again = Dmctl({"converge", "web-1"});
  EXPECT_NE(again.exit_code, 0);
  ExpectWholeFiles(small, "ab", true);
}

class ControllerFaultTest : public FleetTest {};

TEST_F(ControllerFaultTest, AFullDataDirectoryRefusesWritesClearlyAndTheStateSurvives) {
  if (::geteuid() != 0) GTEST_SKIP() << "mounting a small filesystem needs root";
  SmallDisk disk(Path("ctl"), "64m");
  ASSERT_TRUE(disk.mounted());
  StartController("ctl");
  StartAgent("web-1", CreateToken());
  ASSERT_TRUE(WaitForAgentState("web-1", "connected"));

  disk.Fill();
  for (int i = 0; i < 3; ++i) {
    CommandResult refused = Dmctl({"token", "create"});
    EXPECT_NE(refused.exit_code, 0) << refused.out;
    EXPECT_TRUE(absl::StrContains(refused.err, "full")) << refused.err;
  }
  EXPECT_TRUE(controller()->Running()) << controller()->Log();
  // Reads still answer while the disk is full.
  EXPECT_EQ(AgentState("web-1"), "connected");

  disk.Free();
  EXPECT_EQ(Dmctl({"token", "create"}).exit_code, 0);
  CommandResult integrity =
      RunCommand({"/usr/bin/sqlite3", Path("ctl/state.db"), "PRAGMA integrity_check"});
  EXPECT_EQ(integrity.out, "ok\n") << integrity.out << integrity.err;
  // And a restart finds everything: the agent and both tokens.
  StopController();
  StartController("ctl");
  ASSERT_TRUE(WaitForAgentState("web-1", "connected"));
  CommandResult tokens = Dmctl({"token", "list", "--json"});
  ASSERT_EQ(tokens.exit_code, 0) << tokens.err;
  EXPECT_EQ(nlohmann::json::parse(tokens.out).size(), 2u) << tokens.out;
}

// iptables rules that drop part (or all) of the traffic to and from one port on this machine,
// removed when the object goes.
class PacketLoss {
 public:
  explicit PacketLoss(int port) : port_(std::to_string(port)) {}
  ~PacketLoss() { Set(0); }
  // Drops `percent` of the packets both ways (100: a stalled network; 0: none).
  void Set(int percent) {
    for (const std::string& rule : rules_) Iptables("-D", rule);
    rules_.clear();
    if (percent == 0) return;
    std::string match = percent >= 100 ? ""
                                       : absl::StrCat(" -m statistic --mode random --probability ",
                                                      percent / 100.0);
    for (const char* side : {"--dport", "--sport"})
      rules_.push_back(absl::StrCat("INPUT -p tcp ", side, " ", port_, match, " -j DROP"));
    for (const std::string& rule : rules_) Iptables("-I", rule);
  }

 private:
  static void Iptables(const std::string& op, const std::string& rule) {
    CommandResult r = RunCommand({"/bin/sh", "-c", "iptables " + op + " " + rule});
    EXPECT_EQ(r.exit_code, 0) << "iptables " << op << " " << rule << ": " << r.err;
  }
  const std::string port_;
  std::vector<std::string> rules_;
};

class NetworkFaultTest : public FleetTest {
 protected:
  void SetUp() override {
    FleetTest::SetUp();
    if (::geteuid() != 0) GTEST_SKIP() << "iptables needs root";
    StartController();
    StartAgent("web-1", CreateToken());
    ASSERT_TRUE(WaitForAgentState("web-1", "connected"));
    port_ = std::stoi(controller_address().substr(controller_address().rfind(':') + 1));
  }
  static std::string Numbers(int from, int to) {
    std::string out;
    for (int i = from; i <= to; ++i) absl::StrAppend(&out, i, "\n");
    return out;
  }
  int port_ = 0;
};

TEST_F(NetworkFaultTest, DroppedPacketsSlowCommandsButLoseAndRepeatNothing) {
  PacketLoss loss(port_);
  loss.Set(20);
  CommandResult r = Dmctl({"exec", "web-1", "--", "seq", "1", "50000"}, "", absl::Seconds(120));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.out == Numbers(1, 50000))
      << "output lost or repeated: " << r.out.size() << " bytes";
}

TEST_F(NetworkFaultTest, AStalledNetworkEndsInTheWholeOutputOrAClearFailure) {
  PacketLoss loss(port_);
  CommandResult r;
  std::thread exec([&] {
    r = Dmctl({"exec", "web-1", "--", "sh", "-c", "seq 1 20000; sleep 2; seq 20001 40000"}, "",
              absl::Seconds(120));
  });
  absl::SleepFor(absl::Seconds(1));
  loss.Set(100);  // nothing passes for longer than the controller waits for a heartbeat
  absl::SleepFor(absl::Seconds(8));
  loss.Set(0);
  exec.join();
  const std::string whole = Numbers(1, 40000);
  if (r.exit_code == 0) {
    EXPECT_TRUE(r.out == whole) << "output lost or repeated: " << r.out.size() << " bytes";
  } else {
    // Failed: it says why, and what arrived came once, in order.
    EXPECT_FALSE(r.err.empty());
    EXPECT_EQ(whole.compare(0, r.out.size(), r.out), 0) << "output repeated or out of order";
  }
  // The agent is back, and the next command is whole.
  ASSERT_TRUE(WaitForAgentState("web-1", "connected", absl::Seconds(60)));
  CommandResult after = Dmctl({"exec", "web-1", "--", "seq", "1", "1000"});
  EXPECT_EQ(after.exit_code, 0) << after.err;
  EXPECT_EQ(after.out, Numbers(1, 1000));
}

}  // namespace
}  // namespace dm::testing
