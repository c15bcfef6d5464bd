// RunOnAgent refuses what it could not deliver before sending anything (the rest of it runs
// against real agents in tests/exec_test.cc).
#include "controller/commands/remote_exec.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace dm {
namespace {

TEST(RunOnAgentTest, InputOverTheMessageLimitIsRefusedBeforeSending) {
  dm::v1::ExecCommand command;
  command.add_argv("pg_restore");
  command.set_stdin_data(std::string(kMaxExecInputBytes + 1, 'x'));
  // No directory or tracker: nothing may be looked up or sent.
  absl::StatusOr<dm::v1::CommandResult> result =
      RunOnAgent(nullptr, nullptr, "db-1", command, [](const dm::v1::CommandOutput&) { return true; });
  ASSERT_TRUE(absl::IsInvalidArgument(result.status())) << result.status();
  EXPECT_THAT(result.status().message(), ::testing::HasSubstr("pg_restore's input is 61 MB; a command carries at most 60 MB"));
}

}  // namespace
}  // namespace dm
