// What self-healing does to a fleet, against the in-memory world: a replacement boots beside
// the server it replaces and takes its place in the wiring; out-of-service app nodes stay out of
// the load balancers whatever converges them; an interrupted replacement resumes without a twin.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "controller/fleet/testing/fleet_test_fixture.h"

namespace dm::testing {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

class HealOperationsTest : public FleetTest {
 protected:
  void SetUp() override {
    ASSERT_TRUE(Up(File("shop", "  dbserver: 1\n  appnode: 2\n  loadbalancer: 1\n")).ok());
  }
  std::string Upstream(const std::string& host) { return world_.AddressOf(host) + ":8000"; }
};

TEST_F(HealOperationsTest, AReplacementBootsBesideTheOldServerAndTakesItsPlace) {
  std::string note;
  ASSERT_TRUE(fleets_->HealReplace("shop", "shop-appnode-2", &note).ok());
  EXPECT_TRUE(world_.Exists("shop-appnode-2r"));
  EXPECT_FALSE(world_.Exists("shop-appnode-2"));
  EXPECT_THAT(world_.UpstreamsOf("shop-loadbalancer-1"),
              ElementsAre(Upstream("shop-appnode-1"), Upstream("shop-appnode-2r")));
  EXPECT_EQ(Record("shop").replacements.at("shop-appnode-2"), "shop-appnode-2r");
  EXPECT_TRUE(note.empty());  // no database moved

  // A second replacement of the same place goes back to the first name.
  ASSERT_TRUE(fleets_->HealReplace("shop", "shop-appnode-2r", &note).ok());
  EXPECT_TRUE(world_.Exists("shop-appnode-2"));
  EXPECT_FALSE(world_.Exists("shop-appnode-2r"));
  EXPECT_TRUE(Record("shop").replacements.empty());
  // The fleet's own operations know the new name: up changes nothing and boots nothing.
  EXPECT_EQ(world_.Boots("shop-appnode-2"), 2);
  ASSERT_TRUE(Up(ByName("shop")).ok());
  EXPECT_EQ(world_.Boots("shop-appnode-2"), 2);
}

TEST_F(HealOperationsTest, AReplacedLoadBalancerMovesTheSitesName) {
  ASSERT_TRUE(fleets_->HealReplace("shop", "shop-loadbalancer-1", nullptr).ok());
  ASSERT_TRUE(world_.Exists("shop-loadbalancer-1r"));
  std::vector<std::string> addresses =
      static_cast<FakeDns*>(world_.Dns("local"))->Addresses("shop.test");
  EXPECT_THAT(addresses, ElementsAre(world_.AddressOf("shop-loadbalancer-1r")));
}

TEST_F(HealOperationsTest, AnInterruptedReplacementResumesWithoutATwin) {
  world_.FailBootstrap("shop-appnode-2r", absl::UnavailableError("ssh: connection refused"));
  absl::Status failed = fleets_->HealReplace("shop", "shop-appnode-2", nullptr);
  EXPECT_FALSE(failed.ok());
  EXPECT_TRUE(world_.Exists("shop-appnode-2"));  // the old one stays until the new one serves
  world_.FailBootstrap("shop-appnode-2r", absl::OkStatus());
  // The healer tries again with the host it saw fail: the same successor, booted once, brought
  // to serving before the old server goes.
  int bootstraps = world_.Bootstraps("shop-appnode-2r");
  ASSERT_TRUE(fleets_->HealReplace("shop", "shop-appnode-2", nullptr).ok());
  EXPECT_EQ(world_.Boots("shop-appnode-2r"), 1);
  EXPECT_GT(world_.Bootstraps("shop-appnode-2r"), bootstraps);
  EXPECT_FALSE(world_.Exists("shop-appnode-2"));
  EXPECT_THAT(world_.UpstreamsOf("shop-loadbalancer-1"), Contains(Upstream("shop-appnode-2r")));
}

TEST_F(HealOperationsTest, OutOfServiceNodesStayOutWhateverConvergesTheBalancers) {
  ASSERT_TRUE(fleets_->HealOutOfService("shop", {"shop-appnode-1"}).ok());
  EXPECT_THAT(world_.UpstreamsOf("shop-loadbalancer-1"), ElementsAre(Upstream("shop-appnode-2")));
  ASSERT_TRUE(Up(ByName("shop")).ok());
  EXPECT_THAT(world_.UpstreamsOf("shop-loadbalancer-1"), ElementsAre(Upstream("shop-appnode-2")));
  ASSERT_TRUE(fleets_->HealOutOfService("shop", {}).ok());
  EXPECT_EQ(world_.UpstreamsOf("shop-loadbalancer-1").size(), 2u);
}

TEST_F(HealOperationsTest, AReconvergeConvergesThatHostOnly) {
  int app = world_.Converges("shop-appnode-1"), lb = world_.Converges("shop-loadbalancer-1");
  ASSERT_TRUE(fleets_->HealReconverge("shop", "shop-appnode-1").ok());
  EXPECT_EQ(world_.Converges("shop-appnode-1"), app + 1);
  EXPECT_EQ(world_.Converges("shop-loadbalancer-1"), lb);
  EXPECT_TRUE(absl::IsNotFound(fleets_->HealReconverge("shop", "shop-appnode-9")));
}

TEST_F(HealOperationsTest, HealingYieldsToARunningOperation) {
  auto claim = fleets_->locks()->Acquire("shop");
  ASSERT_TRUE(claim.ok());
  EXPECT_TRUE(absl::IsFailedPrecondition(fleets_->HealReconverge("shop", "shop-appnode-1")));
}

TEST_F(HealOperationsTest, HealingIsSwitchedByTheOperatorAndSaidInTheTrail) {
  absl::StatusOr<std::string> name = fleets_->SetHealing(ByName("shop"), false);
  ASSERT_TRUE(name.ok()) << name.status();
  EXPECT_FALSE(Record("shop").healing);
  ASSERT_TRUE(fleets_->SetHealing(ByName("shop"), true).ok());
  EXPECT_TRUE(Record("shop").healing);
  EventQuery query;
  query.fleet = "shop";
  absl::StatusOr<std::vector<EventRecord>> events = store_->ListEvents(query);
  ASSERT_TRUE(events.ok());
  ASSERT_GE(events->size(), 2u);
  EXPECT_EQ((*events)[0].kind, "heal.on");
  EXPECT_EQ((*events)[1].kind, "heal.off");
}

}  // namespace
}  // namespace dm::testing
