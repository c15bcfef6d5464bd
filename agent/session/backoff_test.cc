#include "agent/session/backoff.h"

#include <gtest/gtest.h>

namespace dm {
namespace {

TEST(BackoffTest, DoublesUpToTheCapWithinTheJitterBand) {
  double r = 0.0;
  Backoff backoff(absl::Milliseconds(500), absl::Seconds(30), [&r] { return r; });
  // With random 0 the delay is the lower edge, d/2.
  EXPECT_EQ(backoff.Next(), absl::Milliseconds(250));
  EXPECT_EQ(backoff.Next(), absl::Milliseconds(500));
  EXPECT_EQ(backoff.Next(), absl::Seconds(1));
  for (int i = 0; i < 20; ++i) backoff.Next();
  EXPECT_EQ(backoff.Next(), absl::Seconds(15));
  r = 0.999999;
  EXPECT_GT(backoff.Next(), absl::Milliseconds(29999));
  EXPECT_LE(backoff.Next(), absl::Seconds(30));
}

TEST(BackoffTest, ResetStartsOver) {
  Backoff backoff(absl::Seconds(1), absl::Seconds(60), [] { return 0.5; });
  backoff.Next();
  backoff.Next();
  backoff.Reset();
  EXPECT_EQ(backoff.Next(), absl::Milliseconds(750));
}

TEST(BackoffTest, SpreadsAgentsApart) {
  // Two agents with different random draws do not retry at the same moment.
  Backoff a(absl::Seconds(1), absl::Seconds(60), [] { return 0.1; });
  Backoff b(absl::Seconds(1), absl::Seconds(60), [] { return 0.9; });
  EXPECT_NE(a.Next(), b.Next());
}

}  // namespace
}  // namespace dm
