// Maintenance mode against the in-memory world: the page on the load balancers, kept by a
// later up.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "controller/fleet/testing/fleet_test_fixture.h"

namespace dm::testing {
namespace {

class MaintenanceTest : public FleetTest {
 protected:
  void SetUp() override { ASSERT_TRUE(Up(Shop()).ok()); }
  dm::v1::FleetRequest Shop() {
    return File("shop", "  dbserver: 1\n  appnode: 1\n  loadbalancer: 1\n");
  }
  absl::Status Maintenance(bool on, EventLog* log) {
    dm::v1::MaintenanceRequest request;
    *request.mutable_fleet() = ByName("shop");
    request.set_on(on);
    return fleets_->Maintenance(request, log->sink());
  }
};

TEST_F(MaintenanceTest, TheLoadBalancersShowThePageAndALaterUpKeepsIt) {
  EventLog on;
  ASSERT_TRUE(Maintenance(true, &on).ok()) << on.Text();
  EXPECT_TRUE(world_.MaintenancePageOn("shop-loadbalancer-1"));
  EXPECT_TRUE(on.Has("shop-loadbalancer-1", "maintenance", dm::v1::STEP_CHANGED)) << on.Text();
  EXPECT_TRUE(Record("shop").maintenance);
  ASSERT_TRUE(Up(Shop()).ok());
  EXPECT_TRUE(world_.MaintenancePageOn("shop-loadbalancer-1"))
      << "up does not end maintenance behind the operator's back";
  EventLog off;
  ASSERT_TRUE(Maintenance(false, &off).ok()) << off.Text();
  EXPECT_FALSE(world_.MaintenancePageOn("shop-loadbalancer-1"));
  EXPECT_FALSE(Record("shop").maintenance);
}

TEST_F(MaintenanceTest, AFleetNeverUpIsRefused) {
  dm::v1::MaintenanceRequest request;
  *request.mutable_fleet() = File("other", "  dbappbalancer: 1\n");
  request.set_on(true);
  EventLog log;
  EXPECT_EQ(fleets_->Maintenance(request, log.sink()).code(),
            absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace dm::testing
