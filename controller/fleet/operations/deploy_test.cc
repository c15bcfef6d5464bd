// dmctl deploy and rollback against the in-memory world: one app node at a time, out of the load
// balancers while it moves, and every node that moved put back when one fails.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "controller/fleet/testing/fleet_test_fixture.h"

namespace dm::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

const std::string kOld(40, '1');
const std::string kNew(40, '2');

class DeployTest : public FleetTest {
 protected:
  void SetUp() override {
    world_.SetRevision("v2", kNew);
    ASSERT_TRUE(Up(Shop()).ok());
  }
  dm::v1::FleetRequest Shop() {
    return File("shop", "  dbserver: 1\n  appnode: 3\n  loadbalancer: 1\n");
  }
  absl::Status Deploy(const std::string& revision, EventLog* log, bool rollback = false) {
    dm::v1::DeployFleetRequest request;
    *request.mutable_fleet() = ByName("shop");
    request.set_revision(revision);
    request.set_rollback(rollback);
    return fleets_->Deploy(request, log->sink());
  }
  std::vector<std::string> AllAppUpstreams() {
    return {world_.AddressOf("shop-appnode-1") + ":8000",
            world_.AddressOf("shop-appnode-2") + ":8000",
            world_.AddressOf("shop-appnode-3") + ":8000"};
  }
};

TEST_F(DeployTest, EveryAppNodeMovesOneAtATimeAndTheStaticFilesFollow) {
  EventLog log;
  ASSERT_TRUE(Deploy("v2", &log).ok()) << log.Text();
  for (const char* host : {"shop-appnode-1", "shop-appnode-2", "shop-appnode-3"}) {
    EXPECT_EQ(world_.CommitOn(host), kNew) << host;
  }
  EXPECT_EQ(world_.AttributesOf("shop-loadbalancer-1")["app"]["revision"], kNew);
  EXPECT_THAT(
      world_.UpstreamsOf("shop-loadbalancer-1"),
      UnorderedElementsAre(AllAppUpstreams()[0], AllAppUpstreams()[1], AllAppUpstreams()[2]));
  FleetRecord record = Record("shop");
  EXPECT_EQ(record.commit, kNew);
  EXPECT_EQ(record.previous_commit, kOld);
  // While a node moved, the load balancer sent to the two others only.
  bool drained_one = false;
  for (const nlohmann::json& a : world_.ConvergeHistory("shop-loadbalancer-1")) {
    drained_one = drained_one || a["nginx"]["upstreams"].size() == 2;
  }
  EXPECT_TRUE(drained_one);
  EXPECT_TRUE(log.Has("shop-appnode-2", "drain", dm::v1::STEP_RUNNING)) << log.Text();
}

TEST_F(DeployTest, ADeployWhoseThirdNodeFailsPutsTheFirstTwoBack) {
  world_.FailConvergeAt("shop-appnode-3", kNew);
  EventLog log;
  absl::Status deployed = Deploy("v2", &log);
  EXPECT_EQ(deployed.code(), absl::StatusCode::kAborted);
  EXPECT_THAT(std::string(deployed.message()), HasSubstr(kOld.substr(0, 12) + " keeps serving"));
  for (const char* host : {"shop-appnode-1", "shop-appnode-2", "shop-appnode-3"}) {
    EXPECT_EQ(world_.CommitOn(host), kOld) << host << "\n" << log.Text();
  }
  EXPECT_EQ(world_.ConvergeHistory("shop-appnode-1").size(), 3u) << "up, the new commit, back";
  EXPECT_THAT(
      world_.UpstreamsOf("shop-loadbalancer-1"),
      UnorderedElementsAre(AllAppUpstreams()[0], AllAppUpstreams()[1], AllAppUpstreams()[2]));
  EXPECT_EQ(world_.AttributesOf("shop-loadbalancer-1")["app"]["revision"], kOld);
  EXPECT_EQ(Record("shop").commit, kOld);
  EXPECT_TRUE(log.Has("shop-appnode-1", "deploy", dm::v1::STEP_OK)) << log.Text();
}

TEST_F(DeployTest, ARevisionThatDoesNotAnswerItsHealthCheckIsTakenBack) {
  world_.BreakApp(kNew);
  EventLog log;
  absl::Status deployed = Deploy("v2", &log);
  EXPECT_EQ(deployed.code(), absl::StatusCode::kAborted);
  EXPECT_THAT(std::string(deployed.message()), HasSubstr("/health answered HTTP 500"));
  EXPECT_EQ(world_.CommitOn("shop-appnode-1"), kOld);
  EXPECT_EQ(world_.ConvergeHistory("shop-appnode-2").size(), 1u) << "the second node never moved";
  EXPECT_EQ(Record("shop").commit, kOld);
}

TEST_F(DeployTest, RollbackReturnsToThePreviousCommit) {
  EventLog deploy;
  ASSERT_TRUE(Deploy("v2", &deploy).ok()) << deploy.Text();
  EventLog rollback;
  ASSERT_TRUE(Deploy("", &rollback, /*rollback=*/true).ok()) << rollback.Text();
  EXPECT_EQ(world_.CommitOn("shop-appnode-3"), kOld);
  EXPECT_EQ(Record("shop").commit, kOld);
  EXPECT_EQ(Record("shop").previous_commit, kNew);
}

TEST_F(DeployTest, TheSameCommitChangesNothing) {
  EventLog log;
  ASSERT_TRUE(Deploy("main", &log).ok());
  EXPECT_TRUE(log.Has("", "app", dm::v1::STEP_OK)) << log.Text();
  EXPECT_EQ(world_.ConvergeHistory("shop-appnode-1").size(), 1u);
}

TEST_F(DeployTest, AHostThatIsNotUpStopsTheDeployBeforeAnythingMoves) {
  world_.SetAgentConnected("shop-appnode-2", false);
  EventLog log;
  absl::Status deployed = Deploy("v2", &log);
  EXPECT_EQ(deployed.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(deployed.message()), HasSubstr("shop-appnode-2 is not up"));
  EXPECT_EQ(world_.CommitOn("shop-appnode-1"), kOld);
}

TEST_F(DeployTest, AFleetWithoutAnEarlierDeployCannotRollBack) {
  EventLog log;
  absl::Status back = Deploy("", &log, /*rollback=*/true);
  EXPECT_EQ(back.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(back.message()), HasSubstr("no earlier deploy"));
}

// --- judged by the nodes' health checks ---

TEST_F(DeployTest, ANodeFailingItsChecksWithinTheSettleWindowTakesTheRevisionBack) {
  // /health and /version answer; the role's checks fail 5 s after the app starts.
  world_.SickenApp(kNew, absl::Seconds(5));
  EventLog log;
  absl::Status deployed = Deploy("v2", &log);
  EXPECT_EQ(deployed.code(), absl::StatusCode::kAborted) << log.Text();
  EXPECT_THAT(std::string(deployed.message()),
              HasSubstr("shop-appnode-1: fails http[app] (GET /health: status 500)"));
  EXPECT_TRUE(log.Has("shop-appnode-1", "health", dm::v1::STEP_FAILED)) << log.Text();
  for (const char* host : {"shop-appnode-1", "shop-appnode-2", "shop-appnode-3"})
    EXPECT_EQ(world_.CommitOn(host), kOld) << host;
  EXPECT_EQ(world_.ConvergeHistory("shop-appnode-2").size(), 1u) << "the second node never moved";
  EXPECT_EQ(Record("shop").commit, kOld);
  EXPECT_EQ(Record("shop").deployed_at, absl::InfinitePast()) << "no deploy finished";
}

TEST_F(DeployTest, ANodeThatMovedEarlierAndTurnsUnhealthyStopsTheRollout) {
  // Each node passes its own window (9 s: one more result 5 s later, a 3 s timeout, 1 s), then
  // the first one fails while the second is being judged.
  world_.SickenApp(kNew, absl::Seconds(12));
  EventLog log;
  absl::Status deployed = Deploy("v2", &log);
  EXPECT_EQ(deployed.code(), absl::StatusCode::kAborted) << log.Text();
  EXPECT_THAT(std::string(deployed.message()), HasSubstr("shop-appnode-1: moved earlier"));
  EXPECT_TRUE(log.Has("shop-appnode-1", "health", dm::v1::STEP_OK)) << log.Text();
  for (const char* host : {"shop-appnode-1", "shop-appnode-2", "shop-appnode-3"})
    EXPECT_EQ(world_.CommitOn(host), kOld) << host;
  EXPECT_EQ(world_.ConvergeHistory("shop-appnode-3").size(), 1u);
}

TEST_F(DeployTest, EachNodeIsWatchedForItsSettleWindowAndTheWatchBegins) {
  const absl::Time start = clock_.Now();
  EventLog log;
  ASSERT_TRUE(Deploy("v2", &log).ok()) << log.Text();
  EXPECT_GE(clock_.Now() - start, absl::Seconds(3 * 9)) << "three nodes, 9 s each";
  EXPECT_TRUE(log.Has("shop-appnode-3", "health", dm::v1::STEP_OK)) << log.Text();
  FleetRecord record = Record("shop");
  EXPECT_EQ(record.healthy_commit, kOld) << "what ran, healthy, before the deploy";
  EXPECT_LT(clock_.Now() - record.deployed_at, absl::Milliseconds(1)) << "kept to the ms";
}

TEST_F(DeployTest, TheFleetFilesSettleWindowIsUsedWhenGiven) {
  ASSERT_TRUE(Up(File("shop", "  dbserver: 1\n  appnode: 3\n  loadbalancer: 1\n", "main",
                      "deploy: {settle: 2s}\n"))
                  .ok());
  const absl::Time start = clock_.Now();
  EventLog log;
  ASSERT_TRUE(Deploy("v2", &log).ok()) << log.Text();
  EXPECT_LT(clock_.Now() - start, absl::Seconds(9));
}

TEST_F(DeployTest, OnlyACommitPassingItsChecksBecomesTheOneToGoBackTo) {
  world_.SickenApp(kOld, absl::ZeroDuration());
  EventLog log;
  ASSERT_TRUE(Deploy("v2", &log).ok()) << log.Text();
  EXPECT_EQ(Record("shop").healthy_commit, kOld) << "up's site answered: kept from then";
  // Were it sick when the deploy starts and no commit known healthy, none would be recorded.
  FleetRecord record = Record("shop");
  record.healthy_commit = "";
  ASSERT_TRUE(store_->SaveFleet(record).ok());
  world_.SickenApp(kNew, absl::ZeroDuration());
  world_.SetRevision("v3", std::string(40, '3'));
  EventLog again;
  (void)Deploy("v3", &again);
  EXPECT_EQ(Record("shop").healthy_commit, "");
}

TEST_F(DeployTest, TheHealersReturnMovesEveryNodeWhatever) {
  EventLog log;
  ASSERT_TRUE(Deploy("v2", &log).ok()) << log.Text();
  world_.BreakApp(kOld);  // even the healthy commit does not answer now
  absl::Status back = fleets_->HealRollback("shop", kOld, "every app node failed");
  EXPECT_EQ(back.code(), absl::StatusCode::kUnavailable) << back;
  EXPECT_THAT(std::string(back.message()), HasSubstr("is back on every app node"));
  for (const char* host : {"shop-appnode-1", "shop-appnode-2", "shop-appnode-3"})
    EXPECT_EQ(world_.CommitOn(host), kOld) << host;
  FleetRecord record = Record("shop");
  EXPECT_EQ(record.commit, kOld);
  EXPECT_EQ(record.deployed_at, absl::InfinitePast()) << "nothing left to watch";
  absl::StatusOr<std::vector<EventRecord>> events = store_->ListEvents(EventQuery{20});
  ASSERT_TRUE(events.ok());
  bool said = false;
  for (const EventRecord& e : *events) {
    said = said || (e.kind == "fleet.rollback" && e.fleet == "shop" &&
                    e.message.find("because every app node failed") != std::string::npos);
  }
  EXPECT_TRUE(said);
}

}  // namespace
}  // namespace dm::testing
