#include "agent/exec/command_runner.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <thread>

#include "absl/time/clock.h"

namespace dm {
namespace {

struct Captured {
  std::string out, err;
  int chunks = 0;
};

dm::v1::CommandResult RunArgv(std::vector<std::string> argv, Captured* captured,
                              uint32_t timeout_ms = 0, const std::string& cwd = "",
                              std::map<std::string, std::string> env = {},
                              std::atomic<bool>* cancel = nullptr) {
  dm::v1::ExecCommand command;
  for (auto& a : argv) command.add_argv(a);
  command.set_timeout_ms(timeout_ms);
  command.set_cwd(cwd);
  for (auto& [k, v] : env) (*command.mutable_env())[k] = v;
  std::atomic<bool> never{false};
  return RunCommand(
      command,
      [captured](dm::v1::CommandOutput::Stream stream, std::string chunk) {
        EXPECT_LE(chunk.size(), kMaxChunkBytes);
        (stream == dm::v1::CommandOutput::STDOUT ? captured->out : captured->err) += chunk;
        ++captured->chunks;
      },
      cancel ? *cancel : never);
}

TEST(CommandRunnerTest, SeparatesStdoutAndStderrAndReportsTheExitCode) {
  Captured c;
  auto result = RunArgv({"sh", "-c", "echo out; echo err >&2; exit 3"}, &c);
  EXPECT_EQ(c.out, "out\n");
  EXPECT_EQ(c.err, "err\n");
  EXPECT_EQ(result.exit_code(), 3);
  EXPECT_EQ(result.signal(), 0);
  EXPECT_TRUE(result.error().empty());
}

TEST(CommandRunnerTest, PassesArgumentsVerbatimWithoutAShell) {
  Captured c;
  auto result = RunArgv({"printf", "%s|", "a b", "$HOME", ";rm -rf /"}, &c);
  EXPECT_EQ(result.exit_code(), 0);
  EXPECT_EQ(c.out, "a b|$HOME|;rm -rf /|");
}

TEST(CommandRunnerTest, LargeOutputArrivesWholeInBoundedChunks) {
  Captured c;
  auto result = RunArgv({"sh", "-c", "head -c 1000000 /dev/zero"}, &c);
  EXPECT_EQ(result.exit_code(), 0);
  EXPECT_EQ(c.out.size(), 1000000u);
  EXPECT_GE(c.chunks, 1000000 / static_cast<int>(kMaxChunkBytes));
}

TEST(CommandRunnerTest, TheProgramReadsTheInputItWasSentAndNothingOtherwise) {
  std::string data(3 << 20, '\0');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 31 % 251);
  dm::v1::ExecCommand command;
  for (const char* a : {"sha256sum"}) command.add_argv(a);
  command.set_stdin_data(data);
  std::string out;
  std::atomic<bool> never{false};
  auto result = RunCommand(
      command, [&](dm::v1::CommandOutput::Stream, std::string chunk) { out += chunk; }, never);
  EXPECT_EQ(result.exit_code(), 0);
  dm::v1::ExecCommand reference;
  reference.add_argv("sh");
  reference.add_argv("-c");
  reference.add_argv("head -c 3145728 /dev/stdin");  // nothing: stdin is /dev/null without input
  Captured none;
  RunCommand(
      reference, [&](dm::v1::CommandOutput::Stream, std::string chunk) { none.out += chunk; },
      never);
  EXPECT_EQ(none.out, "");
  // The digest of what was sent, computed here the same way.
  std::string digest;
  {
    FILE* f = ::popen("sha256sum > /tmp/dm-stdin-digest-check", "w");
    ASSERT_NE(f, nullptr);
    ::fwrite(data.data(), 1, data.size(), f);
    ::pclose(f);
    FILE* r = ::fopen("/tmp/dm-stdin-digest-check", "r");
    char line[128] = {};
    ASSERT_NE(::fgets(line, sizeof line, r), nullptr);
    ::fclose(r);
    ::unlink("/tmp/dm-stdin-digest-check");
    digest = line;
  }
  EXPECT_EQ(out, digest);
}

TEST(CommandRunnerTest, MissingProgramGets127AndAReason) {
  Captured c;
  auto result = RunArgv({"/nonexistent/program"}, &c);
  EXPECT_EQ(result.exit_code(), 127);
  EXPECT_NE(result.error().find("No such file"), std::string::npos) << result.error();
}

TEST(CommandRunnerTest, RunsInTheRequestedDirectoryWithExtraEnvironment) {
  Captured c;
  auto result =
      RunArgv({"sh", "-c", "pwd; echo $DM_TEST_VAR"}, &c, 0, "/tmp", {{"DM_TEST_VAR", "hello"}});
  EXPECT_EQ(result.exit_code(), 0);
  EXPECT_EQ(c.out, "/tmp\nhello\n");

  Captured bad;
  auto missing_dir = RunArgv({"true"}, &bad, 0, "/nonexistent-dir");
  EXPECT_EQ(missing_dir.exit_code(), 127);
  EXPECT_NE(missing_dir.error().find("/nonexistent-dir"), std::string::npos);
}

TEST(CommandRunnerTest, TimeoutStopsTheWholeProcessGroup) {
  Captured c;
  absl::Time start = absl::Now();
  // The child shell starts a grandchild; both must go.
  auto result = RunArgv({"sh", "-c", "sleep 30 & sleep 30; echo never"}, &c, 300);
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  EXPECT_EQ(result.exit_code(), -1);
  EXPECT_EQ(result.signal(), SIGTERM);
  EXPECT_NE(result.error().find("timed out"), std::string::npos);
  EXPECT_EQ(c.out, "");
}

TEST(CommandRunnerTest, CancellationStopsTheProgram) {
  Captured c;
  std::atomic<bool> cancel{false};
  std::thread canceller([&] {
    absl::SleepFor(absl::Milliseconds(200));
    cancel = true;
  });
  auto result = RunArgv({"sleep", "30"}, &c, 0, "", {}, &cancel);
  canceller.join();
  EXPECT_EQ(result.error(), "cancelled");
  EXPECT_EQ(result.signal(), SIGTERM);
}

TEST(CommandRunnerTest, ProgramsDoNotInheritBlockedSignals) {
  sigset_t block, old;
  sigemptyset(&block);
  sigaddset(&block, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &block, &old);
  Captured c;
  auto result = RunArgv({"sh", "-c", "kill -TERM $$; sleep 5"}, &c, 3000);
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  EXPECT_EQ(result.signal(), SIGTERM);
  EXPECT_TRUE(result.error().empty()) << result.error();
}

}  // namespace
}  // namespace dm
