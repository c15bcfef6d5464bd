// dmctl scale against the in-memory world: new nodes join the wiring; removed ones leave it
// before they are destroyed.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "controller/fleet/testing/fleet_test_fixture.h"

namespace dm::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

class ScaleTest : public FleetTest {
 protected:
  void SetUp() override {
    ASSERT_TRUE(
        Up(File("shop", "  dbserver: 1\n  appnode: 2  # app servers\n  loadbalancer: 1\n")).ok());
  }
  absl::Status Scale(const std::string& role, int count, EventLog* log) {
    dm::v1::ScaleFleetRequest request;
    *request.mutable_fleet() = ByName("shop");
    request.set_role(role);
    request.set_count(count);
    return fleets_->Scale(request, log->sink());
  }
};

TEST_F(ScaleTest, NewAppNodesJoinTheLoadBalancer) {
  EventLog log;
  ASSERT_TRUE(Scale("appnode", 3, &log).ok()) << log.Text();
  EXPECT_TRUE(world_.Exists("shop-appnode-3"));
  EXPECT_EQ(world_.UpstreamsOf("shop-loadbalancer-1").size(), 3u);
  // The file keeps its comments; dmctl writes it back from the event.
  bool file_event = false;
  for (const dm::v1::FleetEvent& e : log.events()) {
    if (e.phase() == "file") {
      file_event = true;
      EXPECT_THAT(e.file_text(), HasSubstr("appnode: 3  # app servers"));
    }
  }
  EXPECT_TRUE(file_event);
  EXPECT_THAT(Record("shop").file_text, HasSubstr("appnode: 3"));
}

TEST_F(ScaleTest, RemovedNodesLeaveTheWiringBeforeTheyAreDestroyed) {
  const std::string leaving = world_.AddressOf("shop-appnode-2");
  EventLog log;
  ASSERT_TRUE(Scale("appnode", 1, &log).ok()) << log.Text();
  EXPECT_FALSE(world_.Exists("shop-appnode-2"));
  EXPECT_THAT(world_.UpstreamsOf("shop-loadbalancer-1"),
              ElementsAre(world_.AddressOf("shop-appnode-1") + ":8000"));
  std::vector<std::string> clients = world_.AttributesOf("shop-dbserver-1")["postgresql"]["clients"]
                                         .get<std::vector<std::string>>();
  EXPECT_THAT(clients,
              UnorderedElementsAre("127.0.0.1/32", world_.AddressOf("shop-appnode-1") + "/32"));
  // The drain came before the destroy.
  std::vector<std::string> order;
  for (const dm::v1::FleetEvent& e : log.events()) {
    if (e.host() == "shop-appnode-2") order.push_back(e.phase());
  }
  ASSERT_FALSE(order.empty());
  EXPECT_EQ(order.front(), "drain");
  EXPECT_EQ(order.back(), "destroy");
  (void)leaving;
}

TEST_F(ScaleTest, TheLastAppNodeIsKept) {
  EventLog log;
  absl::Status scaled = Scale("appnode", 0, &log);
  EXPECT_EQ(scaled.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(scaled.message()), HasSubstr("keep at least one"));
  EXPECT_TRUE(world_.Exists("shop-appnode-1"));
}

TEST_F(ScaleTest, ARoleTheFileDoesNotHaveIsNamed) {
  EventLog log;
  absl::Status scaled = Scale("cachenode", 1, &log);
  EXPECT_EQ(scaled.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(scaled.message()), HasSubstr("no role 'cachenode'"));
}

}  // namespace
}  // namespace dm::testing
