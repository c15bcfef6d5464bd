// dmctl split against the in-memory world: the database moves with every row, and a move that
// loses a row gives the old server back.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "controller/fleet/testing/fleet_test_fixture.h"

namespace dm::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

class SplitTest : public FleetTest {
 protected:
  void SetUp() override {
    ASSERT_TRUE(Up(File("solo", "  dbappbalancer: 1\n")).ok());
    world_.SetRows("solo-dbappbalancer-1", {{"entries", 3}, {"tags", 2}});
  }
  absl::Status Split(EventLog* log) {
    dm::v1::SplitRequest request;
    *request.mutable_fleet() = ByName("solo");
    request.set_keep_old_seconds(60);
    return fleets_->Split(request, log->sink());
  }
};

TEST_F(SplitTest, TheDatabaseMovesToAServerOfItsOwnWithEveryRow) {
  const std::string old_address = world_.AddressOf("solo-dbappbalancer-1");
  EventLog log;
  ASSERT_TRUE(Split(&log).ok()) << log.Text();
  EXPECT_THAT(world_.ServerNames(), UnorderedElementsAre("solo-appbalancer-1", "solo-dbserver-1"));
  EXPECT_EQ(world_.RowsOn("solo-dbserver-1"), (RowCounts{{"entries", 3}, {"tags", 2}}));
  EXPECT_THAT(world_.fake_dns().Addresses("www.solo.test"),
              ElementsAre(world_.AddressOf("solo-appbalancer-1")));
  EXPECT_EQ(world_.AttributesOf("solo-appbalancer-1")["database"]["host"],
            world_.AddressOf("solo-dbserver-1"));
  FleetRecord record = Record("solo");
  EXPECT_THAT(record.file_text, HasSubstr("appbalancer: 1\n  dbserver: 1\n"));
  EXPECT_FALSE(record.maintenance);
  EXPECT_TRUE(log.Has("", "split", dm::v1::STEP_CHANGED)) << log.Text();
  EXPECT_THAT(log.Text(), HasSubstr("rows entries=3, tags=2 before and after"));
  (void)old_address;
}

TEST_F(SplitTest, ASplitWhoseRowCountsDifferServesFromTheOldServerAgain) {
  world_.LoseRowsOnNextRestore(1);
  EventLog log;
  absl::Status split = Split(&log);
  EXPECT_EQ(split.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(split.message()),
              HasSubstr("rows differ after the move: entries=3, tags=2 before, entries=2, tags=2 "
                        "after"));
  EXPECT_THAT(std::string(split.message()),
              HasSubstr("solo-dbappbalancer-1 serves the site again as before"));
  // The old server serves the site again, with its data, and DNS never moved.
  EXPECT_TRUE(world_.Exists("solo-dbappbalancer-1"));
  EXPECT_FALSE(world_.MaintenancePageOn("solo-dbappbalancer-1"));
  EXPECT_EQ(world_.RowsOn("solo-dbappbalancer-1"), (RowCounts{{"entries", 3}, {"tags", 2}}));
  EXPECT_THAT(world_.fake_dns().Addresses("www.solo.test"),
              ElementsAre(world_.AddressOf("solo-dbappbalancer-1")));
  absl::StatusOr<HttpResponse> site =
      world_.Fetch({"GET",
                    "http://" + world_.AddressOf("solo-dbappbalancer-1") + "/",
                    {},
                    "",
                    absl::Seconds(5)});
  ASSERT_TRUE(site.ok());
  EXPECT_EQ(site->status, 200);
  // The fleet is still what it was.
  FleetRecord record = Record("solo");
  EXPECT_THAT(record.file_text, HasSubstr("dbappbalancer: 1"));
  EXPECT_FALSE(record.maintenance);
}

TEST_F(SplitTest, TheSecondSplitGivesTheLoadBalancerAServerOfItsOwn) {
  EventLog first;
  ASSERT_TRUE(Split(&first).ok()) << first.Text();
  const std::string leaving = world_.AddressOf("solo-appbalancer-1");
  EventLog second;
  ASSERT_TRUE(Split(&second).ok()) << second.Text();
  EXPECT_THAT(world_.ServerNames(),
              UnorderedElementsAre("solo-loadbalancer-1", "solo-appnode-1", "solo-dbserver-1"));
  EXPECT_THAT(world_.fake_dns().Addresses("www.solo.test"),
              ElementsAre(world_.AddressOf("solo-loadbalancer-1")));
  EXPECT_THAT(world_.UpstreamsOf("solo-loadbalancer-1"),
              ElementsAre(world_.AddressOf("solo-appnode-1") + ":8000"));
  // The database admitted the old server while it served, and forgot it once it was gone.
  std::vector<std::string> clients = world_.AttributesOf("solo-dbserver-1")["postgresql"]["clients"]
                                         .get<std::vector<std::string>>();
  EXPECT_THAT(clients,
              UnorderedElementsAre("127.0.0.1/32", world_.AddressOf("solo-appnode-1") + "/32"));
  bool admitted_both = false;
  for (const nlohmann::json& a : world_.ConvergeHistory("solo-dbserver-1")) {
    auto c = a["postgresql"]["clients"].get<std::vector<std::string>>();
    admitted_both = admitted_both || std::count(c.begin(), c.end(), leaving + "/32") > 0;
  }
  EXPECT_TRUE(admitted_both);
  EXPECT_THAT(Record("solo").file_text, HasSubstr("loadbalancer: 1\n  appnode: 1\n  dbserver: 1"));
}

TEST_F(SplitTest, AFleetWithNothingToSplitIsRefused) {
  ASSERT_TRUE(Up(File("shop", "  dbserver: 1\n  appnode: 1\n  loadbalancer: 1\n")).ok());
  dm::v1::SplitRequest request;
  *request.mutable_fleet() = ByName("shop");
  EventLog log;
  absl::Status split = fleets_->Split(request, log.sink());
  EXPECT_EQ(split.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(split.message()), HasSubstr("nothing to split"));
}

}  // namespace
}  // namespace dm::testing
