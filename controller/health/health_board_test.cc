// The health board's judgement of hosts, its events and its asks for reports, against a real
// store and agent directory with a fake clock.
#include "controller/health/health_board.h"

#include <gtest/gtest.h>

#include "controller/testing/fake_connection.h"
#include "controller/testing/temp_store.h"

namespace dm {
namespace {

constexpr absl::Duration kWindow = absl::Seconds(15);

dm::v1::HealthReport Report(std::vector<std::tuple<std::string, dm::v1::CheckState, bool>> checks,
                            uint64_t digest = 7) {
  dm::v1::HealthReport report;
  for (const auto& [name, state, critical] : checks) {
    dm::v1::CheckStatus* c = report.add_checks();
    c->set_name(name);
    c->set_state(state);
    c->set_critical(critical);
    c->set_output(state == dm::v1::CHECK_FAILING ? name + " refused" : "ok");
  }
  report.set_digest(digest);
  return report;
}

class HealthBoardTest : public TempStoreTest {
 protected:
  void SetUp() override {
    TempStoreTest::SetUp();
    TokenRecord token;
    token.id = "tok";
    token.uses_allowed = 100;
    token.created = clock_.Now();
    token.expires = clock_.Now() + absl::Hours(1);
    ASSERT_TRUE(store_->InsertToken(token).ok());
    directory_ = std::make_unique<AgentDirectory>(store_.get(), &clock_, kWindow);
    audit_ = std::make_unique<AuditTrail>(store_.get(), &clock_);
    board_ = std::make_unique<HealthBoard>(store_.get(), directory_.get(), audit_.get(), &clock_,
                                           HealthBoard::Options{});
    board_->SetListener([this](const HostHealthChange& c) { changes_.push_back(c); });
  }

  void Enroll(const std::string& name, const std::string& fleet = "shop") {
    AgentRecord agent;
    agent.id = "id-" + name;
    agent.name = name;
    agent.role = "appnode";
    agent.cert_serial = "serial-" + name;
    agent.token_id = "tok";
    ASSERT_TRUE(store_->CommitEnrollment(*store_->GetToken("tok"), agent).ok());
    directory_->Add(agent);
    ServerRecord server;
    server.name = name;
    server.role = "appnode";
    server.fleet = fleet;
    ASSERT_TRUE(store_->SaveServer(server).ok());
    Connect(name);
  }
  void Connect(const std::string& name) {
    connections_[name] = std::make_shared<FakeConnection>();
    dm::v1::Hello hello;
    hello.set_epoch(1);
    directory_->Attach("id-" + name, connections_[name], hello);
  }
  std::vector<EventRecord> Events(const std::string& kind) {
    std::vector<EventRecord> out;
    absl::StatusOr<std::vector<EventRecord>> all = store_->ListEvents(EventQuery{100});
    for (EventRecord& e : *all)
      if (e.kind == kind) out.push_back(e);
    return out;
  }

  FakeClock clock_;
  std::unique_ptr<AgentDirectory> directory_;
  std::unique_ptr<AuditTrail> audit_;
  std::unique_ptr<HealthBoard> board_;
  std::map<std::string, std::shared_ptr<FakeConnection>> connections_;
  std::vector<HostHealthChange> changes_;
};

TEST(JudgeChecksTest, CriticalFailuresMakeAHostUnhealthyOthersDegraded) {
  using S = dm::v1::CheckState;
  EXPECT_EQ(JudgeChecks({}), dm::v1::HOST_UNKNOWN);
  EXPECT_EQ(JudgeChecks(Report({{"a", S::CHECK_PASSING, true}})), dm::v1::HOST_HEALTHY);
  EXPECT_EQ(JudgeChecks(Report({{"a", S::CHECK_PASSING, true}, {"d", S::CHECK_FAILING, false}})),
            dm::v1::HOST_DEGRADED);
  EXPECT_EQ(JudgeChecks(Report({{"a", S::CHECK_FAILING, true}, {"d", S::CHECK_FAILING, false}})),
            dm::v1::HOST_UNHEALTHY);
  EXPECT_EQ(JudgeChecks(Report({{"a", S::CHECK_UNKNOWN, true}, {"b", S::CHECK_PASSING, true}})),
            dm::v1::HOST_UNKNOWN);
}

TEST_F(HealthBoardTest, ReportsBecomeHostStatesEventsAndAnnouncements) {
  Enroll("web-1");
  EXPECT_EQ(board_->Hosts("shop")[0].health, dm::v1::HOST_UNKNOWN);

  board_->Report("web-1", Report({{"http", dm::v1::CHECK_PASSING, true}}));
  ASSERT_EQ(changes_.size(), 1u);
  EXPECT_EQ(changes_[0].host.health, dm::v1::HOST_HEALTHY);
  EXPECT_EQ(changes_[0].host.fleet, "shop");
  EXPECT_TRUE(Events("health.check_failed").empty());

  board_->Report("web-1", Report({{"http", dm::v1::CHECK_FAILING, true}}));
  ASSERT_EQ(changes_.size(), 2u);
  EXPECT_EQ(changes_[1].before, dm::v1::HOST_HEALTHY);
  EXPECT_EQ(changes_[1].host.health, dm::v1::HOST_UNHEALTHY);
  std::vector<EventRecord> failed = Events("health.check_failed");
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0].subject, "web-1");
  EXPECT_EQ(failed[0].fleet, "shop");
  EXPECT_EQ(failed[0].message, "http: http refused");
  std::vector<EventRecord> host = Events("health.host");
  ASSERT_EQ(host.size(), 2u);
  EXPECT_EQ(host[0].message, "healthy -> unhealthy (failing: http)");

  // The same report again changes nothing.
  board_->Report("web-1", Report({{"http", dm::v1::CHECK_FAILING, true}}));
  EXPECT_EQ(changes_.size(), 2u);
  EXPECT_EQ(Events("health.check_failed").size(), 1u);

  board_->Report("web-1", Report({{"http", dm::v1::CHECK_PASSING, true}}));
  EXPECT_EQ(Events("health.check_passed").size(), 1u);
  EXPECT_EQ(changes_.back().host.health, dm::v1::HOST_HEALTHY);
}

TEST_F(HealthBoardTest, AHostIsLostOnlyAfterTheGracePeriodAndFoundAgain) {
  Enroll("web-1");
  board_->Report("web-1", Report({{"http", dm::v1::CHECK_PASSING, true}}));
  directory_->Detach("id-web-1", connections_["web-1"].get());
  clock_.Advance(absl::Seconds(10));
  board_->Sweep();
  EXPECT_EQ(board_->Hosts()[0].health, dm::v1::HOST_HEALTHY);  // within the grace period
  clock_.Advance(absl::Seconds(11));
  board_->Sweep();
  EXPECT_EQ(board_->Hosts()[0].health, dm::v1::HOST_LOST);
  ASSERT_EQ(changes_.back().host.health, dm::v1::HOST_LOST);
  EXPECT_EQ(Events("health.host")[0].message,
            "healthy -> lost (its agent has not been heard from)");
  Connect("web-1");
  board_->Sweep();
  EXPECT_EQ(changes_.back().host.health, dm::v1::HOST_HEALTHY);
}

TEST_F(HealthBoardTest, ADigestThatDiffersAsksForAReportAtMostEveryTenSeconds) {
  Enroll("web-1");
  EXPECT_FALSE(board_->ShouldAskForReport("web-1", 0));  // no checks on either side
  board_->Report("web-1", Report({{"http", dm::v1::CHECK_PASSING, true}}, 7));
  EXPECT_FALSE(board_->ShouldAskForReport("web-1", 7));
  EXPECT_TRUE(board_->ShouldAskForReport("web-1", 8));
  EXPECT_FALSE(board_->ShouldAskForReport("web-1", 8));  // asked a moment ago
  clock_.Advance(absl::Seconds(10));
  EXPECT_TRUE(board_->ShouldAskForReport("web-1", 8));
}

TEST_F(HealthBoardTest, TheViewSurvivesARestartOfTheController) {
  Enroll("web-1");
  Enroll("other", "blog");
  board_->Report("web-1", Report({{"http", dm::v1::CHECK_FAILING, true}}));
  HealthBoard again(store_.get(), directory_.get(), audit_.get(), &clock_, {});
  ASSERT_TRUE(again.Load().ok());
  std::vector<HostHealthState> hosts = again.Hosts("shop");
  ASSERT_EQ(hosts.size(), 1u);
  EXPECT_EQ(hosts[0].health, dm::v1::HOST_UNHEALTHY);
  EXPECT_EQ(hosts[0].report.checks(0).output(), "http refused");
}

}  // namespace
}  // namespace dm
