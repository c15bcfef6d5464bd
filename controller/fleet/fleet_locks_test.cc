#include "controller/fleet/fleet_locks.h"

#include <gtest/gtest.h>

namespace dm {
namespace {

TEST(FleetLocksTest, OneOperationPerFleetAtATime) {
  FleetLocks locks;
  absl::StatusOr<std::unique_ptr<FleetLocks::Claim>> first = locks.Acquire("shop");
  ASSERT_TRUE(first.ok());
  absl::StatusOr<std::unique_ptr<FleetLocks::Claim>> second = locks.Acquire("shop");
  EXPECT_EQ(second.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(second.status().message().find("fleet 'shop' is busy"), absl::string_view::npos);
  EXPECT_TRUE(locks.Acquire("solo").ok()) << "other fleets are not held";
  EXPECT_TRUE(locks.IsHeld("shop"));
  first->reset();
  EXPECT_FALSE(locks.IsHeld("shop"));
  EXPECT_TRUE(locks.Acquire("shop").ok());
}

}  // namespace
}  // namespace dm
