#include "controller/agents/agent_directory.h"

#include <gtest/gtest.h>

#include "controller/testing/fake_connection.h"
#include "controller/testing/temp_store.h"

namespace dm {
namespace {

constexpr absl::Duration kWindow = absl::Seconds(15);

class AgentDirectoryTest : public TempStoreTest {
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
  }

  AgentRecord Enroll(const std::string& id, const std::string& name) {
    AgentRecord agent;
    agent.id = id;
    agent.name = name;
    agent.cert_serial = "serial-" + id;
    agent.token_id = "tok";
    EXPECT_TRUE(store_->CommitEnrollment(*store_->GetToken("tok"), agent).ok());
    directory_->Add(agent);
    return agent;
  }

  static dm::v1::Hello Hello(uint64_t epoch) {
    dm::v1::Hello hello;
    hello.set_epoch(epoch);
    hello.mutable_facts()->set_hostname("h");
    hello.mutable_facts()->set_agent_version("1.2.3");
    return hello;
  }

  FakeClock clock_;
  std::unique_ptr<AgentDirectory> directory_;
};

TEST_F(AgentDirectoryTest, AuthenticatesOnlyKnownAgentsWithTheirOwnCertificate) {
  Enroll("a1", "web-1");
  EXPECT_TRUE(directory_->Authenticate("a1", "serial-a1").ok());
  EXPECT_EQ(directory_->Authenticate("a1", "serial-other").status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(directory_->Authenticate("nobody", "serial-a1").status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(AgentDirectoryTest, AttachMarksConnectedAndRecordsFactsAndHost) {
  Enroll("a1", "web-1");
  auto conn = std::make_shared<FakeConnection>();
  ResumePoint resume = directory_->Attach("a1", conn, Hello(7));
  EXPECT_EQ(resume.agent_name, "web-1");
  EXPECT_EQ(resume.acked_seq, 0u);

  AgentView view = *directory_->Get("web-1");
  EXPECT_TRUE(view.connected);
  EXPECT_EQ(view.record.address, "10.1.2.3");
  EXPECT_EQ(view.record.version, "1.2.3");
  EXPECT_EQ(view.record.last_seen, clock_.Now());
  EXPECT_EQ(directory_->connected_count(), 1u);

  directory_->Detach("a1", conn.get());
  EXPECT_FALSE(directory_->Get("web-1")->connected);
  EXPECT_EQ(directory_->connected_count(), 0u);
}

TEST_F(AgentDirectoryTest, ANewStreamReplacesAndClosesTheOldOne) {
  Enroll("a1", "web-1");
  auto old_conn = std::make_shared<FakeConnection>();
  auto new_conn = std::make_shared<FakeConnection>();
  directory_->Attach("a1", old_conn, Hello(1));
  directory_->Attach("a1", new_conn, Hello(2));
  EXPECT_TRUE(old_conn->closed());
  EXPECT_FALSE(new_conn->closed());
  // The old stream ending later must not disconnect the new one.
  directory_->Detach("a1", old_conn.get());
  EXPECT_TRUE(directory_->Get("web-1")->connected);
  EXPECT_EQ(directory_->connected_count(), 1u);
}

TEST_F(AgentDirectoryTest, SequenceNumbersResumeWithinAnEpochAndRestartWithANewOne) {
  Enroll("a1", "web-1");
  auto c1 = std::make_shared<FakeConnection>();
  directory_->Attach("a1", c1, Hello(42));
  uint64_t acked = 0;
  EXPECT_TRUE(directory_->Heard("a1", 1, &acked));
  EXPECT_TRUE(directory_->Heard("a1", 2, &acked));
  EXPECT_EQ(acked, 2u);
  EXPECT_FALSE(directory_->Heard("a1", 2, &acked));  // a duplicate after a resend
  EXPECT_TRUE(directory_->Heard("a1", 0, &acked));   // unsequenced heartbeats always count
  EXPECT_EQ(acked, 2u);

  auto c2 = std::make_shared<FakeConnection>();
  EXPECT_EQ(directory_->Attach("a1", c2, Hello(42)).acked_seq, 2u);
  auto c3 = std::make_shared<FakeConnection>();
  EXPECT_EQ(directory_->Attach("a1", c3, Hello(43)).acked_seq, 0u);  // the agent restarted
}

TEST_F(AgentDirectoryTest, SilentAgentsAreExpiredAfterTheWindow) {
  Enroll("a1", "quiet");
  Enroll("a2", "chatty");
  auto quiet = std::make_shared<FakeConnection>();
  auto chatty = std::make_shared<FakeConnection>();
  directory_->Attach("a1", quiet, Hello(1));
  directory_->Attach("a2", chatty, Hello(1));

  clock_.Advance(kWindow - absl::Seconds(1));
  uint64_t acked = 0;
  directory_->Heard("a2", 0, &acked);
  EXPECT_TRUE(directory_->ExpireSilent().empty());

  clock_.Advance(absl::Seconds(2));
  EXPECT_EQ(directory_->ExpireSilent(), std::vector<std::string>{"quiet"});
  EXPECT_TRUE(quiet->closed());
  EXPECT_FALSE(chatty->closed());
  EXPECT_FALSE(directory_->Get("quiet")->connected);
  EXPECT_TRUE(directory_->Get("chatty")->connected);
  EXPECT_FALSE(directory_->Send("a1", {}));
}

TEST_F(AgentDirectoryTest, RemoveRevokesClosesAndForgets) {
  Enroll("a1", "web-1");
  auto conn = std::make_shared<FakeConnection>();
  directory_->Attach("a1", conn, Hello(1));
  auto removed = directory_->Remove("web-1");
  ASSERT_TRUE(removed.ok());
  EXPECT_TRUE(conn->closed());
  EXPECT_EQ(conn->close_status().error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(directory_->Get("web-1").status().code(), absl::StatusCode::kNotFound);
  EXPECT_FALSE(directory_->Authenticate("a1", "serial-a1").ok());
  EXPECT_TRUE(*store_->IsCertificateRevoked("serial-a1"));
  EXPECT_EQ(directory_->Remove("web-1").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(AgentDirectoryTest, DirtyStatusIsTakenOnceAndSurvivesAReload) {
  Enroll("a1", "web-1");
  directory_->Attach("a1", std::make_shared<FakeConnection>(), Hello(1));
  auto dirty = directory_->TakeDirtyStatus();
  ASSERT_EQ(dirty.size(), 1u);
  EXPECT_TRUE(dirty[0].has_facts);
  EXPECT_TRUE(directory_->TakeDirtyStatus().empty());
  ASSERT_TRUE(store_->RecordAgentStatus(dirty).ok());

  AgentDirectory reloaded(store_.get(), &clock_, kWindow);
  ASSERT_TRUE(reloaded.Load().ok());
  AgentView view = *reloaded.Get("web-1");
  EXPECT_FALSE(view.connected);
  EXPECT_EQ(view.record.last_seen, clock_.Now());
  EXPECT_EQ(view.record.facts.hostname(), "h");
}

TEST_F(AgentDirectoryTest, HeartbeatOnlyChangesWaitForAHeartbeatFlush) {
  Enroll("a1", "web-1");
  directory_->Attach("a1", std::make_shared<FakeConnection>(), Hello(1));
  ASSERT_EQ(directory_->TakeDirtyStatus(false).size(), 1u);  // attaching is news
  uint64_t acked = 0;
  clock_.Advance(absl::Seconds(1));
  directory_->Heard("a1", 0, &acked);
  EXPECT_TRUE(directory_->TakeDirtyStatus(false).empty());
  auto with_heartbeats = directory_->TakeDirtyStatus(true);
  ASSERT_EQ(with_heartbeats.size(), 1u);
  EXPECT_EQ(with_heartbeats[0].last_seen, clock_.Now());
}

TEST_F(AgentDirectoryTest, FailedFlushIsRetried) {
  Enroll("a1", "web-1");
  directory_->Attach("a1", std::make_shared<FakeConnection>(), Hello(1));
  auto dirty = directory_->TakeDirtyStatus();
  directory_->ReturnDirtyStatus(dirty);
  auto again = directory_->TakeDirtyStatus();
  ASSERT_EQ(again.size(), 1u);
  EXPECT_TRUE(again[0].has_facts);
}

}  // namespace
}  // namespace dm
