#include "controller/fleet/fleet_locks.h"

#include <gtest/gtest.h>

#include <thread>

#include "absl/time/clock.h"

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

TEST(FleetLocksTest, AnOperationWaitsForHealingAndHealingYieldsToIt) {
  FleetLocks locks(absl::Seconds(10));
  absl::StatusOr<std::unique_ptr<FleetLocks::Claim>> healing =
      locks.AcquireForHealing("shop", "self-healing (setting the load balancers)");
  ASSERT_TRUE(healing.ok());
  EXPECT_FALSE(locks.AcquireForHealing("shop", "again").ok());
  std::thread release([&] {
    absl::SleepFor(absl::Milliseconds(200));
    healing->reset();
  });
  absl::Time asked = absl::Now();
  absl::StatusOr<std::unique_ptr<FleetLocks::Claim>> deploy = locks.Acquire("shop");
  release.join();
  ASSERT_TRUE(deploy.ok()) << deploy.status();
  EXPECT_GE(absl::Now() - asked, absl::Milliseconds(150)) << "it waited for the healer";
  absl::Status busy = locks.AcquireForHealing("shop", "x").status();
  EXPECT_NE(busy.message().find("is busy"), absl::string_view::npos) << busy;
}

TEST(FleetLocksTest, AnOperationDoesNotWaitForAnotherOperationAndNamesWhatHolds) {
  FleetLocks locks(absl::Milliseconds(100));
  auto healing = locks.AcquireForHealing("shop", "self-healing (replacing shop-appnode-2)");
  ASSERT_TRUE(healing.ok());
  absl::Time asked = absl::Now();
  absl::Status busy = locks.Acquire("shop").status();
  EXPECT_GE(absl::Now() - asked, absl::Milliseconds(90)) << "waited its while";
  EXPECT_EQ(busy.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(busy.message().find("self-healing (replacing shop-appnode-2) is running"),
            absl::string_view::npos)
      << busy;
  FleetLocks quick(absl::Seconds(10));
  auto up = quick.Acquire("shop");
  ASSERT_TRUE(up.ok());
  asked = absl::Now();
  EXPECT_FALSE(quick.Acquire("shop").ok());
  EXPECT_LT(absl::Now() - asked, absl::Seconds(1)) << "refused at once, not queued";
}

}  // namespace
}  // namespace dm
