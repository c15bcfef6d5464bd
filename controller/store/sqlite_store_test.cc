#include "controller/store/sqlite_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "common/temp_dir.h"

namespace dm {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1'750'000'000);

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_ + "/state.db";
    Reopen();
  }
  void TearDown() override { store_.reset(); }
  void Reopen(int64_t retention = SqliteStore::kDefaultEventRetention) {
    store_.reset();
    auto opened = SqliteStore::Open(path_, retention);
    ASSERT_TRUE(opened.ok()) << opened.status();
    store_ = std::move(*opened);
  }

  static TokenRecord Token(const std::string& id, uint32_t uses_allowed = 1) {
    TokenRecord t;
    t.id = id;
    t.secret_hash = "hash-" + id;
    t.role = "appnode";
    t.uses_allowed = uses_allowed;
    t.created = kT0;
    t.expires = kT0 + absl::Hours(1);
    return t;
  }
  static AgentRecord Agent(const std::string& id, const std::string& name) {
    AgentRecord a;
    a.id = id;
    a.name = name;
    a.role = "appnode";
    a.cert_serial = "serial-" + id;
    a.cert_expires = kT0 + absl::Hours(24 * 365);
    a.enrolled = kT0;
    a.token_id = "tok";
    return a;
  }

  TempDir temp_{"dm-store-test"};
  const std::string dir_ = temp_.path();
  std::string path_;
  std::unique_ptr<SqliteStore> store_;
};

TEST_F(SqliteStoreTest, TokensRoundTripAndSurviveReopen) {
  ASSERT_TRUE(store_->InsertToken(Token("aaaa1111", 3)).ok());
  Reopen();
  auto t = store_->GetToken("aaaa1111");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->secret_hash, "hash-aaaa1111");
  EXPECT_EQ(t->uses_allowed, 3u);
  EXPECT_EQ(t->uses_left(), 3u);
  EXPECT_EQ(t->expires, kT0 + absl::Hours(1));
  EXPECT_FALSE(t->is_revoked());
}

TEST_F(SqliteStoreTest, MissingAndDuplicateTokens) {
  EXPECT_EQ(store_->GetToken("nope").status().code(), absl::StatusCode::kNotFound);
  ASSERT_TRUE(store_->InsertToken(Token("dup")).ok());
  EXPECT_EQ(store_->InsertToken(Token("dup")).code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(store_->RevokeToken("nope", kT0).code(), absl::StatusCode::kNotFound);
}

TEST_F(SqliteStoreTest, RevokeKeepsTheFirstRevocationTime) {
  ASSERT_TRUE(store_->InsertToken(Token("t")).ok());
  ASSERT_TRUE(store_->RevokeToken("t", kT0 + absl::Minutes(1)).ok());
  ASSERT_TRUE(store_->RevokeToken("t", kT0 + absl::Minutes(2)).ok());
  EXPECT_EQ(store_->GetToken("t")->revoked, kT0 + absl::Minutes(1));
}

TEST_F(SqliteStoreTest, EnrollmentCountsAUseAndAddsTheAgent) {
  ASSERT_TRUE(store_->InsertToken(Token("t", 2)).ok());
  TokenRecord read = *store_->GetToken("t");
  ASSERT_TRUE(store_->CommitEnrollment(read, Agent("id1", "web-1")).ok());
  EXPECT_EQ(store_->GetToken("t")->uses, 1u);
  auto agents = store_->ListAgents();
  ASSERT_TRUE(agents.ok());
  ASSERT_EQ(agents->size(), 1u);
  EXPECT_EQ((*agents)[0].name, "web-1");
  EXPECT_EQ((*agents)[0].last_seen, absl::InfinitePast());
}

TEST_F(SqliteStoreTest, EnrollmentWithAStaleTokenReadIsAbortedAndAddsNothing) {
  ASSERT_TRUE(store_->InsertToken(Token("t", 2)).ok());
  TokenRecord stale = *store_->GetToken("t");
  ASSERT_TRUE(store_->CommitEnrollment(stale, Agent("id1", "web-1")).ok());
  // `stale` still says 0 uses: a second commit from the same read must lose the race.
  EXPECT_EQ(store_->CommitEnrollment(stale, Agent("id2", "web-2")).code(),
            absl::StatusCode::kAborted);
  EXPECT_EQ(store_->ListAgents()->size(), 1u);
}

TEST_F(SqliteStoreTest, EnrollmentWithARevokedTokenIsAborted) {
  ASSERT_TRUE(store_->InsertToken(Token("t")).ok());
  TokenRecord read = *store_->GetToken("t");
  ASSERT_TRUE(store_->RevokeToken("t", kT0).ok());
  EXPECT_EQ(store_->CommitEnrollment(read, Agent("id1", "web-1")).code(),
            absl::StatusCode::kAborted);
  EXPECT_TRUE(store_->ListAgents()->empty());
}

TEST_F(SqliteStoreTest, DuplicateNameRollsBackTheTokenUse) {
  ASSERT_TRUE(store_->InsertToken(Token("t", 5)).ok());
  ASSERT_TRUE(store_->CommitEnrollment(*store_->GetToken("t"), Agent("id1", "web")).ok());
  absl::Status dup = store_->CommitEnrollment(*store_->GetToken("t"), Agent("id2", "web"));
  EXPECT_EQ(dup.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_NE(dup.message().find("web"), std::string::npos);
  EXPECT_EQ(store_->GetToken("t")->uses, 1u);
}

TEST_F(SqliteStoreTest, ConcurrentEnrollmentsCannotOverspendAToken) {
  ASSERT_TRUE(store_->InsertToken(Token("t", 1)).ok());
  TokenRecord read = *store_->GetToken("t");
  std::atomic<int> winners{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      if (store_->CommitEnrollment(read, Agent("id" + std::to_string(i), "n" + std::to_string(i)))
              .ok()) {
        ++winners;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(winners.load(), 1);
  EXPECT_EQ(store_->ListAgents()->size(), 1u);
}

TEST_F(SqliteStoreTest, RemovingAnAgentRevokesItsCertificate) {
  ASSERT_TRUE(store_->InsertToken(Token("t")).ok());
  ASSERT_TRUE(store_->CommitEnrollment(*store_->GetToken("t"), Agent("id1", "web-1")).ok());
  EXPECT_FALSE(*store_->IsCertificateRevoked("serial-id1"));
  ASSERT_TRUE(store_->RemoveAgent("id1", kT0).ok());
  Reopen();
  EXPECT_TRUE(*store_->IsCertificateRevoked("serial-id1"));
  EXPECT_TRUE(store_->ListAgents()->empty());
  EXPECT_EQ(store_->RemoveAgent("id1", kT0).code(), absl::StatusCode::kNotFound);
}

TEST_F(SqliteStoreTest, AgentStatusIsRecordedInBatchesAndSkipsUnknownAgents) {
  ASSERT_TRUE(store_->InsertToken(Token("t", 2)).ok());
  ASSERT_TRUE(store_->CommitEnrollment(*store_->GetToken("t"), Agent("a", "web-a")).ok());
  ASSERT_TRUE(store_->CommitEnrollment(*store_->GetToken("t"), Agent("b", "web-b")).ok());

  AgentStatus a{"a", kT0 + absl::Seconds(5), "127.0.0.1:5000", "0.1.0", true, {}};
  a.facts.set_hostname("host-a");
  a.facts.set_cpu_count(2);
  AgentStatus b{"b", kT0 + absl::Seconds(6), "127.0.0.1:5001", "0.1.0", false, {}};
  AgentStatus gone{"removed", kT0, "", "", false, {}};
  ASSERT_TRUE(store_->RecordAgentStatus({a, b, gone}).ok());

  Reopen();
  auto agents = *store_->ListAgents();
  ASSERT_EQ(agents.size(), 2u);
  EXPECT_EQ(agents[0].last_seen, kT0 + absl::Seconds(5));
  EXPECT_EQ(agents[0].address, "127.0.0.1:5000");
  EXPECT_EQ(agents[0].facts.hostname(), "host-a");
  EXPECT_EQ(agents[0].facts.cpu_count(), 2u);
  EXPECT_EQ(agents[1].last_seen, kT0 + absl::Seconds(6));
  EXPECT_EQ(agents[1].facts.hostname(), "");
}

TEST_F(SqliteStoreTest, EventsComeNewestFirstAndOldOnesAreDropped) {
  Reopen(/*retention=*/3);
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(
        store_->AppendEvent({0, kT0 + absl::Seconds(i), "k", "s" + std::to_string(i), "m"}).ok());
  }
  auto events = store_->ListEvents(EventQuery{10});
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 3u);
  EXPECT_EQ((*events)[0].subject, "s4");
  EXPECT_EQ((*events)[2].subject, "s2");
  EXPECT_EQ(store_->ListEvents(EventQuery{1})->size(), 1u);
}

TEST_F(SqliteStoreTest, EventsAreFilteredByFleetAndFollowedAfterASeq) {
  EventRecord event{0, kT0, "health.check_failed", "web-1", "GET / refused", "shop", "failed"};
  absl::StatusOr<uint64_t> first = store_->AppendEvent(event);
  ASSERT_TRUE(first.ok());
  event.fleet = "blog";
  ASSERT_TRUE(store_->AppendEvent(event).ok());
  event.fleet = "shop";
  event.kind = "heal.restart";
  absl::StatusOr<uint64_t> third = store_->AppendEvent(event);
  ASSERT_TRUE(third.ok());
  EXPECT_GT(*third, *first);

  EventQuery shop;
  shop.fleet = "shop";
  auto events = store_->ListEvents(shop);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ((*events)[0].kind, "heal.restart");  // newest first
  EXPECT_EQ((*events)[0].outcome, "failed");
  EXPECT_EQ((*events)[1].seq, *first);

  EventQuery after;
  after.after_seq = *first;
  events = store_->ListEvents(after);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ((*events)[0].fleet, "blog");  // oldest first when following
  EXPECT_EQ(store_->WaitForEventAfter(*first, absl::ZeroDuration()), *third);

  // A follower waiting for the next event is woken by it.
  std::thread writer([&] {
    absl::SleepFor(absl::Milliseconds(50));
    ASSERT_TRUE(store_->AppendEvent(event).ok());
  });
  absl::Time start = absl::Now();
  EXPECT_GT(store_->WaitForEventAfter(*third, absl::Seconds(30)), *third);
  EXPECT_LT(absl::Now() - start, absl::Seconds(10));
  writer.join();

  Reopen();  // the newest seq is known again after a restart
  EXPECT_GT(store_->WaitForEventAfter(UINT64_MAX, absl::ZeroDuration()), *third);
}

TEST_F(SqliteStoreTest, AnAgentsHealthReportIsKept) {
  ASSERT_TRUE(store_->InsertToken(Token("t")).ok());
  ASSERT_TRUE(store_->CommitEnrollment(*store_->GetToken("t"), Agent("a1", "web-1")).ok());
  dm::v1::HealthReport report;
  dm::v1::CheckStatus* check = report.add_checks();
  check->set_name("service[nginx.service]");
  check->set_state(dm::v1::CHECK_FAILING);
  report.set_digest(42);
  ASSERT_TRUE(store_->RecordAgentHealth("a1", report).ok());
  EXPECT_TRUE(absl::IsNotFound(store_->RecordAgentHealth("nobody", report)));
  Reopen();
  auto agents = store_->ListAgents();
  ASSERT_TRUE(agents.ok());
  ASSERT_EQ(agents->size(), 1u);
  EXPECT_EQ((*agents)[0].health.digest(), 42u);
  EXPECT_EQ((*agents)[0].health.checks(0).state(), dm::v1::CHECK_FAILING);
}

TEST_F(SqliteStoreTest, RunsAreSavedUpdatedListedAndInterruptedAfterARestart) {
  RunRecord run;
  run.id = "r1";
  run.agent_id = "a1";
  run.agent_name = "web-1";
  run.role = "appnode";
  run.status = RunStatus::kRunning;
  run.started = kT0;
  ASSERT_TRUE(store_->SaveRun(run).ok());
  RunRecord other = run;
  other.id = "r2";
  other.agent_name = "web-2";
  other.started = kT0 + absl::Seconds(1);
  ASSERT_TRUE(store_->SaveRun(other).ok());

  run.status = RunStatus::kConverged;
  run.finished = kT0 + absl::Seconds(3);
  run.resources = 12;
  run.changed = 2;
  run.report_json = R"({"status":"converged"})";
  ASSERT_TRUE(store_->SaveRun(run).ok());

  Reopen();
  auto got = store_->GetRun("r1");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->status, RunStatus::kConverged);
  EXPECT_EQ(got->changed, 2u);
  EXPECT_EQ(got->finished, kT0 + absl::Seconds(3));
  EXPECT_EQ(got->report_json, R"({"status":"converged"})");
  EXPECT_TRUE(absl::IsNotFound(store_->GetRun("nope").status()));

  auto all = store_->ListRuns("", 10);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].id, "r2");  // newest first
  EXPECT_TRUE((*all)[0].report_json.empty());
  EXPECT_EQ(store_->ListRuns("web-1", 10)->size(), 1u);

  auto interrupted = store_->InterruptRunningRuns(kT0 + absl::Minutes(1));
  ASSERT_TRUE(interrupted.ok());
  EXPECT_EQ(*interrupted, 1);
  EXPECT_EQ(store_->GetRun("r2")->status, RunStatus::kInterrupted);
  EXPECT_EQ(store_->GetRun("r1")->status, RunStatus::kConverged);
}

TEST_F(SqliteStoreTest, ServersAreSavedListedAndDeleted) {
  ServerRecord web;
  web.name = "web-1";
  web.provider = "local";
  web.role = "appnode";
  web.created = kT0;
  web.fleet = "shop";
  web.agent_package = "0.1.0+1a2b3c4d5e6f";
  ASSERT_TRUE(store_->SaveServer(web).ok());
  ServerRecord db;
  db.name = "db-1";
  db.provider = "local";
  db.role = "dbserver";
  db.bootstrap = BootstrapState::kDone;
  db.created = kT0;
  ASSERT_TRUE(store_->SaveServer(db).ok());
  web.bootstrap = BootstrapState::kFailed;
  web.bootstrap_message = "step sshd: auth refused";
  ASSERT_TRUE(store_->SaveServer(web).ok());
  Reopen();
  auto got = store_->GetServer("web-1");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->bootstrap, BootstrapState::kFailed);
  EXPECT_EQ(got->bootstrap_message, "step sshd: auth refused");
  EXPECT_EQ(got->created, kT0);
  EXPECT_EQ(got->fleet, "shop");
  EXPECT_EQ(got->agent_package, "0.1.0+1a2b3c4d5e6f")
      << "what bootstrap installed, to upgrade it later";
  auto all = store_->ListServers();
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].name, "db-1");
  EXPECT_EQ((*all)[0].bootstrap, BootstrapState::kDone);
  EXPECT_EQ((*all)[1].bootstrap, BootstrapState::kFailed);
  ASSERT_TRUE(store_->DeleteServer("db-1").ok());
  EXPECT_TRUE(absl::IsNotFound(store_->DeleteServer("db-1")));
  EXPECT_TRUE(absl::IsNotFound(store_->GetServer("db-1").status()));
}

TEST_F(SqliteStoreTest, FleetsKeepTheirFileSecretsAndRevisions) {
  FleetRecord shop{"shop",
                   "/srv/fleets/shop.yaml",
                   "name: shop\n",
                   R"({"database.password":"s3cret"})",
                   "abc123",
                   "",
                   kT0,
                   kT0};
  ASSERT_TRUE(store_->SaveFleet(shop).ok());
  shop.previous_commit = shop.commit;
  shop.commit = "def456";
  shop.updated = kT0 + absl::Minutes(5);
  shop.maintenance = true;
  shop.out_of_service = {"shop-appnode-2"};
  shop.healthy_commit = "abc123";
  shop.deployed_at = kT0 + absl::Minutes(4);
  ASSERT_TRUE(store_->SaveFleet(shop).ok());
  ASSERT_TRUE(store_->SaveFleet({"blog", "/b.yaml", "name: blog\n", "{}", "", "", kT0, kT0}).ok());
  Reopen();
  auto got = store_->GetFleet("shop");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->file_text, "name: shop\n");
  EXPECT_EQ(got->secrets_json, R"({"database.password":"s3cret"})");
  EXPECT_EQ(got->commit, "def456");
  EXPECT_EQ(got->previous_commit, "abc123");
  EXPECT_EQ(got->updated, kT0 + absl::Minutes(5));
  EXPECT_TRUE(got->maintenance);
  EXPECT_EQ(got->out_of_service, std::set<std::string>{"shop-appnode-2"});
  EXPECT_EQ(got->healthy_commit, "abc123");
  EXPECT_EQ(got->deployed_at, kT0 + absl::Minutes(4));
  auto blog = store_->GetFleet("blog");
  ASSERT_TRUE(blog.ok());
  EXPECT_EQ(blog->deployed_at, absl::InfinitePast()) << "never deployed";
  auto all = store_->ListFleets();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].name, "blog");
  ASSERT_TRUE(store_->DeleteFleet("blog").ok());
  EXPECT_TRUE(absl::IsNotFound(store_->DeleteFleet("blog")));
  EXPECT_TRUE(absl::IsNotFound(store_->GetFleet("blog").status()));
}

TEST_F(SqliteStoreTest, RefusesADatabaseFromANewerSchema) {
  store_.reset();
  {
    auto db = Database::Open(path_);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Exec("PRAGMA user_version = 999").ok());
  }
  auto opened = SqliteStore::Open(path_);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(opened.status().message().find("newer"), std::string::npos);
}

}  // namespace
}  // namespace dm
