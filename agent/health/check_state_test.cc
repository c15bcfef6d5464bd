// fall/rise: a check changes state only after enough results in a row.
#include "agent/health/check_state.h"

#include <gtest/gtest.h>

namespace dm::health {
namespace {

class CheckStateTest : public ::testing::Test {
 protected:
  CheckSpec Spec(int fall, int rise) {
    CheckSpec spec;
    spec.name = "c";
    spec.fall = fall;
    spec.rise = rise;
    return spec;
  }
  absl::Time At(int s) { return absl::FromUnixSeconds(1000 + s); }
};

TEST_F(CheckStateTest, AFreshCheckPassesAtOnceButFailsOnlyAfterFall) {
  CheckTracker passing(Spec(3, 3));
  EXPECT_TRUE(passing.Record(true, "ok", At(0)));
  EXPECT_EQ(passing.status().state, CheckState::kPassing);
  EXPECT_EQ(passing.status().since, At(0));
  // A service the converge just started may refuse its first connections.
  CheckTracker starting(Spec(3, 3));
  EXPECT_FALSE(starting.Record(false, "refused", At(0)));
  EXPECT_FALSE(starting.Record(false, "refused", At(5)));
  EXPECT_EQ(starting.status().state, CheckState::kUnknown);
  EXPECT_TRUE(starting.Record(false, "refused", At(10)));
  EXPECT_EQ(starting.status().state, CheckState::kFailing);
  EXPECT_EQ(starting.status().since, At(10));
  CheckTracker late(Spec(3, 3));
  late.Record(false, "refused", At(0));
  EXPECT_TRUE(late.Record(true, "ok", At(5)));
  EXPECT_EQ(late.status().state, CheckState::kPassing);
}

TEST_F(CheckStateTest, FallFailuresInARowMakeItFailing) {
  CheckTracker t(Spec(2, 2));
  t.Record(true, "", At(0));
  EXPECT_FALSE(t.Record(false, "slow", At(5)));
  EXPECT_EQ(t.status().state, CheckState::kPassing);
  EXPECT_EQ(t.status().output, "slow");  // the latest output is kept even before the change
  EXPECT_TRUE(t.Record(false, "refused", At(10)));
  EXPECT_EQ(t.status().state, CheckState::kFailing);
  EXPECT_EQ(t.status().since, At(10));
}

TEST_F(CheckStateTest, AnInterruptedStreakStartsOver) {
  CheckTracker t(Spec(2, 2));
  t.Record(true, "", At(0));
  EXPECT_FALSE(t.Record(false, "", At(5)));
  EXPECT_FALSE(t.Record(true, "", At(10)));
  EXPECT_FALSE(t.Record(false, "", At(15)));
  EXPECT_EQ(t.status().state, CheckState::kPassing);
  EXPECT_TRUE(t.Record(false, "", At(20)));
}

TEST_F(CheckStateTest, RiseCountsPassesBeforeItIsPassingAgain) {
  CheckTracker t(Spec(1, 3));
  t.Record(false, "", At(0));
  EXPECT_FALSE(t.Record(true, "", At(5)));
  EXPECT_FALSE(t.Record(true, "", At(10)));
  EXPECT_TRUE(t.Record(true, "", At(15)));
  EXPECT_EQ(t.status().state, CheckState::kPassing);
  EXPECT_EQ(t.status().since, At(15));
}

}  // namespace
}  // namespace dm::health
