#include "agent/session/outbox.h"

#include <gtest/gtest.h>

#include <thread>

#include "absl/time/clock.h"

namespace dm {
namespace {

dm::v1::AgentMessage Output(const std::string& data) {
  dm::v1::AgentMessage m;
  m.mutable_output()->set_command_id("c");
  m.mutable_output()->set_data(data);
  return m;
}

dm::v1::AgentMessage Result(const std::string& id) {
  dm::v1::AgentMessage m;
  m.mutable_result()->set_command_id(id);
  return m;
}

TEST(OutboxTest, NumbersMessagesAndSendsEachOnce) {
  Outbox outbox;
  outbox.Push(Output("a"));
  outbox.Push(Output("b"));
  auto first = outbox.NextToSend(absl::ZeroDuration());
  auto second = outbox.NextToSend(absl::ZeroDuration());
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->seq(), 1u);
  EXPECT_EQ(second->seq(), 2u);
  EXPECT_FALSE(outbox.NextToSend(absl::Milliseconds(1)).has_value());
}

TEST(OutboxTest, AfterAReconnectResendsOnlyWhatWasNotAcknowledged) {
  Outbox outbox;
  for (const char* d : {"a", "b", "c"}) outbox.Push(Output(d));
  for (int i = 0; i < 3; ++i) outbox.NextToSend(absl::ZeroDuration());
  // The stream broke; the controller says it received up to 1.
  outbox.Ack(1);
  outbox.RewindToUnacked();
  auto resent = outbox.NextToSend(absl::ZeroDuration());
  ASSERT_TRUE(resent);
  EXPECT_EQ(resent->seq(), 2u);
  EXPECT_EQ(resent->output().data(), "b");
  EXPECT_EQ(outbox.NextToSend(absl::ZeroDuration())->seq(), 3u);
  EXPECT_EQ(outbox.pending(), 2u);
}

TEST(OutboxTest, AcknowledgingWhileSendingKeepsTheCursorRight) {
  Outbox outbox;
  for (const char* d : {"a", "b", "c"}) outbox.Push(Output(d));
  outbox.NextToSend(absl::ZeroDuration());  // 1 sent
  outbox.NextToSend(absl::ZeroDuration());  // 2 sent
  outbox.Ack(2);
  EXPECT_EQ(outbox.NextToSend(absl::ZeroDuration())->seq(), 3u);
}

TEST(OutboxTest, ReportsPendingResultsForTheHello) {
  Outbox outbox;
  outbox.Push(Result("x"));
  outbox.Push(Output("o"));
  outbox.Push(Result("y"));
  EXPECT_EQ(outbox.PendingResultIds(), (std::vector<std::string>{"x", "y"}));
  outbox.Ack(1);
  EXPECT_EQ(outbox.PendingResultIds(), (std::vector<std::string>{"y"}));
}

TEST(OutboxTest, DropsOutputWhenFullButNeverResults) {
  Outbox outbox;
  std::string big(Outbox::kMaxPendingOutputBytes / 2, 'x');
  EXPECT_TRUE(outbox.Push(Output(big)));
  EXPECT_TRUE(outbox.Push(Output(big)));
  EXPECT_FALSE(outbox.Push(Output("more")));
  EXPECT_TRUE(outbox.Push(Result("r")));
  outbox.Ack(1);
  EXPECT_TRUE(outbox.Push(Output("room again")));
}

TEST(OutboxTest, InterruptWakesAWaitingWriter) {
  Outbox outbox;
  std::thread t([&] {
    absl::SleepFor(absl::Milliseconds(50));
    outbox.Interrupt();
  });
  absl::Time start = absl::Now();
  EXPECT_FALSE(outbox.NextToSend(absl::Seconds(10)).has_value());
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  t.join();
}

}  // namespace
}  // namespace dm
