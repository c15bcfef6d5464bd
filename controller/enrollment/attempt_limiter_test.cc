#include "controller/enrollment/attempt_limiter.h"

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"

namespace dm {
namespace {

class AttemptLimiterTest : public ::testing::Test {
 protected:
  // Fails from `address` until refused; returns how many attempts were let through.
  int FailUntilRefused(const std::string& address) {
    int allowed = 0;
    while (limiter_.Admit(address).allowed && allowed < 1000) {
      limiter_.RecordFailure(address);
      ++allowed;
    }
    return allowed;
  }

  FakeClock clock_;
  AttemptLimiter limiter_{&clock_};
};

TEST_F(AttemptLimiterTest, AnAddressIsRefusedAfterItsAllowanceOfFailures) {
  EXPECT_EQ(FailUntilRefused("10.0.0.9"), AttemptLimiter::kFailuresAllowed);
  AttemptLimiter::Admission refused = limiter_.Admit("10.0.0.9");
  EXPECT_FALSE(refused.allowed);
  EXPECT_GT(refused.retry_after, absl::ZeroDuration());
  EXPECT_LE(refused.retry_after, AttemptLimiter::kRefill);
  // Other addresses are not touched.
  EXPECT_TRUE(limiter_.Admit("10.0.0.10").allowed);
}

TEST_F(AttemptLimiterTest, OnlyTheFirstRefusalAsksForAnEvent) {
  for (int i = 0; i < AttemptLimiter::kFailuresAllowed; ++i) limiter_.RecordFailure("10.0.0.9");
  EXPECT_TRUE(limiter_.Admit("10.0.0.9").first_refusal);
  for (int i = 0; i < 100; ++i) EXPECT_FALSE(limiter_.Admit("10.0.0.9").first_refusal);
  // The few attempts the refill lets through meanwhile do not start a new run...
  clock_.Advance(AttemptLimiter::kRefill / AttemptLimiter::kFailuresAllowed);
  EXPECT_TRUE(limiter_.Admit("10.0.0.9").allowed);
  limiter_.RecordFailure("10.0.0.9");
  EXPECT_FALSE(limiter_.Admit("10.0.0.9").first_refusal);
  // ...but once the address has its whole allowance again, a new run is recorded again.
  clock_.Advance(AttemptLimiter::kRefill);
  EXPECT_TRUE(limiter_.Admit("10.0.0.9").allowed);
  for (int i = 0; i < AttemptLimiter::kFailuresAllowed; ++i) limiter_.RecordFailure("10.0.0.9");
  EXPECT_TRUE(limiter_.Admit("10.0.0.9").first_refusal);
}

TEST_F(AttemptLimiterTest, TheAllowanceComesBackWithTime) {
  FailUntilRefused("10.0.0.9");
  clock_.Advance(AttemptLimiter::kRefill / AttemptLimiter::kFailuresAllowed);
  EXPECT_TRUE(limiter_.Admit("10.0.0.9").allowed);
  limiter_.RecordFailure("10.0.0.9");
  EXPECT_FALSE(limiter_.Admit("10.0.0.9").allowed);
  clock_.Advance(AttemptLimiter::kRefill);
  EXPECT_EQ(FailUntilRefused("10.0.0.9"), AttemptLimiter::kFailuresAllowed) << "never more";
}

TEST_F(AttemptLimiterTest, ManyAddressesAreForgottenQuietestFirstWithinTheBound) {
  FailUntilRefused("10.0.0.9");
  clock_.Advance(absl::Seconds(1));
  // Far more addresses than remembered, each failing once: memory stays bounded, and the
  // address that failed most recently is still refused.
  for (size_t i = 0; i < AttemptLimiter::kMaxAddresses + 10; ++i)
    limiter_.RecordFailure(absl::StrCat("addr-", i));
  FailUntilRefused("10.0.0.77");
  EXPECT_FALSE(limiter_.Admit("10.0.0.77").allowed);
}

}  // namespace
}  // namespace dm
