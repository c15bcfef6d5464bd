#include "controller/commands/command_tracker.h"

#include <gtest/gtest.h>

namespace dm {
namespace {

dm::v1::AgentMessage Output(const std::string& id, const std::string& data) {
  dm::v1::AgentMessage m;
  m.mutable_output()->set_command_id(id);
  m.mutable_output()->set_stream(dm::v1::CommandOutput::STDOUT);
  m.mutable_output()->set_data(data);
  return m;
}

dm::v1::AgentMessage Result(const std::string& id, int code) {
  dm::v1::AgentMessage m;
  m.mutable_result()->set_command_id(id);
  m.mutable_result()->set_exit_code(code);
  return m;
}

class CommandTrackerTest : public ::testing::Test {
 protected:
  FakeClock clock_;
  CommandTracker tracker_{&clock_};
  std::shared_ptr<CommandSink> sink_ = std::make_shared<CommandSink>();
};

TEST_F(CommandTrackerTest, RoutesOutputThenResultAndThenForgetsTheCommand) {
  tracker_.Register("c1", "agent-a", sink_);
  EXPECT_TRUE(tracker_.Deliver("agent-a", Output("c1", "hello")));
  EXPECT_TRUE(tracker_.Deliver("agent-a", Result("c1", 3)));
  EXPECT_FALSE(tracker_.Deliver("agent-a", Result("c1", 4)));  // already ended

  auto first = sink_->Pop(absl::Seconds(1));
  ASSERT_TRUE(first && first->output);
  EXPECT_EQ(first->output->data(), "hello");
  auto second = sink_->Pop(absl::Seconds(1));
  ASSERT_TRUE(second && second->result);
  EXPECT_EQ(second->result->exit_code(), 3);
  EXPECT_EQ(tracker_.in_flight(), 0u);
}

TEST_F(CommandTrackerTest, AnAgentCannotAnswerAnotherAgentsCommand) {
  tracker_.Register("c1", "agent-a", sink_);
  EXPECT_FALSE(tracker_.Deliver("agent-b", Output("c1", "injected")));
  EXPECT_FALSE(tracker_.Deliver("agent-b", Result("c1", 0)));
  EXPECT_FALSE(sink_->Pop(absl::Milliseconds(10)).has_value());
  EXPECT_EQ(tracker_.in_flight(), 1u);
}

TEST_F(CommandTrackerTest, OnlyTheAgentRunningAConvergeMayFetchItsBundle) {
  tracker_.Register("c1", "agent-a", sink_, "bundle-1");
  tracker_.Register("c2", "agent-a", sink_);
  EXPECT_EQ(tracker_.BundleOf("agent-a", "c1"), "bundle-1");
  EXPECT_EQ(tracker_.BundleOf("agent-b", "c1"), "");  // another agent's command
  EXPECT_EQ(tracker_.BundleOf("agent-a", "c2"), "");  // not a converge
  EXPECT_EQ(tracker_.BundleOf("agent-a", "nope"), "");
  dm::v1::AgentMessage progress;
  progress.mutable_progress()->set_command_id("c1");
  progress.mutable_progress()->set_done(3);
  EXPECT_TRUE(tracker_.Deliver("agent-a", progress));
  auto event = sink_->Pop(absl::Seconds(1));
  ASSERT_TRUE(event && event->progress);
  EXPECT_EQ(event->progress->done(), 3u);
  EXPECT_TRUE(tracker_.Deliver("agent-a", Result("c1", 0)));
  EXPECT_EQ(tracker_.BundleOf("agent-a", "c1"), "");  // ended: no more fetching
}

TEST_F(CommandTrackerTest, FailingAnAgentsCommandsKeepsTheOnesStillRunning) {
  tracker_.Register("lost", "agent-a", sink_);
  tracker_.Register("running", "agent-a", sink_);
  tracker_.Register("other", "agent-b", sink_);
  EXPECT_EQ(tracker_.FailCommandsOf("agent-a", "agent restarted", {"running"}), 1u);

  auto event = sink_->Pop(absl::Seconds(1));
  ASSERT_TRUE(event && event->result);
  EXPECT_EQ(event->command_id, "lost");
  EXPECT_EQ(event->result->error(), "agent restarted");
  EXPECT_EQ(event->result->exit_code(), -1);
  EXPECT_EQ(tracker_.in_flight(), 2u);
  EXPECT_EQ(tracker_.AgentsWithCommands(), (std::vector<std::string>{"agent-a", "agent-b"}));
}

TEST_F(CommandTrackerTest, SinkDropsOutputBeyondItsBufferButKeepsResults) {
  tracker_.Register("c1", "agent-a", sink_);
  std::string chunk(1 << 20, 'x');
  for (int i = 0; i < 20; ++i) tracker_.Deliver("agent-a", Output("c1", chunk));
  tracker_.Deliver("agent-a", Result("c1", 0));
  EXPECT_EQ(sink_->dropped_bytes(), 4u << 20);
  int outputs = 0;
  bool got_result = false;
  while (auto e = sink_->Pop(absl::Milliseconds(10))) {
    if (e->output) ++outputs;
    if (e->result) got_result = true;
  }
  EXPECT_EQ(outputs, 16);
  EXPECT_TRUE(got_result);
}

}  // namespace
}  // namespace dm
