// The stream's rules against agents that break them on purpose: each offence ends only the
// offender's stream, with an event, and keeps it out for a while; floods are slowed, not cut.
#include "controller/agents/agent_session.h"

#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "controller/testing/enrolled_agents.h"
#include "controller/testing/fake_connection.h"
#include "controller/testing/temp_store.h"

namespace dm {
namespace {

using Limits = AgentStreamLimits;

// A Hello from an agent still running `command` (else the controller fails it as lost).
dm::v1::AgentMessage Hello(const std::string& command = "cmd-of-web-1") {
  dm::v1::AgentMessage m;
  m.mutable_hello()->set_epoch(7);
  m.mutable_hello()->add_active_commands(command);
  m.mutable_hello()->mutable_facts()->set_hostname("web-1");
  m.mutable_hello()->mutable_facts()->set_agent_version("1.0.0");
  return m;
}

dm::v1::AgentMessage Output(uint64_t seq, const std::string& command, size_t bytes) {
  dm::v1::AgentMessage m;
  m.set_seq(seq);
  m.mutable_output()->set_command_id(command);
  m.mutable_output()->set_data(std::string(bytes, 'x'));
  return m;
}

dm::v1::AgentMessage Result(uint64_t seq, const std::string& command) {
  dm::v1::AgentMessage m;
  m.set_seq(seq);
  m.mutable_result()->set_command_id(command);
  return m;
}

dm::v1::AgentMessage BlobRequest(uint64_t seq, const std::string& command,
                                 std::vector<std::string> shas) {
  dm::v1::AgentMessage m;
  m.set_seq(seq);
  m.mutable_blob_request()->set_command_id(command);
  for (const std::string& sha : shas) m.mutable_blob_request()->add_sha256(sha);
  return m;
}

dm::v1::AgentMessage Heartbeat() {
  dm::v1::AgentMessage m;
  m.mutable_heartbeat()->set_sent_unix_ms(1);
  return m;
}

class AgentSessionTest : public TempStoreTest {
 protected:
  void SetUp() override {
    TempStoreTest::SetUp();
    directory_ = std::make_unique<AgentDirectory>(store_.get(), &clock_, absl::Seconds(15));
    audit_ = std::make_unique<AuditTrail>(store_.get(), &clock_);
    absl::StatusOr<std::vector<AgentRecord>> agents =
        EnrollAgentsForTest(store_.get(), {{"a1", "web-1"}, {"a2", "web-2"}});
    ASSERT_TRUE(agents.ok()) << agents.status();
    for (const AgentRecord& agent : *agents) directory_->Add(agent);
    auto bundle = std::make_shared<Bundle>();
    bundle->hash = "bundle-1";
    bundle->blobs["sha-in-bundle"] = "cookbook file";
    bundles_.Add(bundle);
    tracker_.Register("cmd-of-web-1", "a1", own_sink_, "bundle-1");
    tracker_.Register("cmd-of-web-2", "a2", other_sink_, "bundle-1");

    services_.directory = directory_.get();
    services_.tracker = &tracker_;
    services_.bundles = &bundles_;
    services_.audit = audit_.get();
    services_.clock = &clock_;
  }

  // A session for web-1 that has said Hello.
  std::unique_ptr<AgentSession> Connected() {
    auto session = std::make_unique<AgentSession>(services_, "a1", "web-1", connection_);
    AgentSession::Verdict hello = session->OnMessage(Hello());
    EXPECT_FALSE(hello.end) << hello.status.error_message();
    return session;
  }

  std::vector<EventRecord> Events(const std::string& kind) {
    std::vector<EventRecord> matching;
    absl::StatusOr<std::vector<EventRecord>> all = store_->ListEvents(EventQuery(100));
    EXPECT_TRUE(all.ok()) << all.status();
    for (EventRecord& e : *all)
      if (e.kind == kind) matching.push_back(std::move(e));
    return matching;
  }

  // Ended with `code`, recorded as misbehaviour, and web-1 kept out until the bar lifts.
  void ExpectCutOff(const AgentSession::Verdict& verdict, grpc::StatusCode code,
                    const std::string& reason) {
    EXPECT_TRUE(verdict.end);
    EXPECT_EQ(verdict.status.error_code(), code) << verdict.status.error_message();
    std::vector<EventRecord> events = Events("agent.misbehaved");
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].subject, "web-1");
    EXPECT_TRUE(absl::StrContains(events[0].message, reason)) << events[0].message;
    EXPECT_EQ(directory_->Authenticate("a1", "serial-a1").status().code(),
              absl::StatusCode::kResourceExhausted);
    EXPECT_TRUE(directory_->Authenticate("a2", "serial-a2").ok()) << "only the offender is out";
    clock_.Advance(Limits::kBarredFor);
    EXPECT_TRUE(directory_->Authenticate("a1", "serial-a1").ok());
  }

  FakeClock clock_;
  std::unique_ptr<AgentDirectory> directory_;
  std::unique_ptr<AuditTrail> audit_;
  CommandTracker tracker_{&clock_};
  BundleCache bundles_;
  std::shared_ptr<CommandSink> own_sink_ = std::make_shared<CommandSink>();
  std::shared_ptr<CommandSink> other_sink_ = std::make_shared<CommandSink>();
  std::shared_ptr<FakeConnection> connection_ = std::make_shared<FakeConnection>();
  AgentSessionServices services_;
};

TEST_F(AgentSessionTest, AWelcomedAgentAnswersItsOwnCommandAndIsAcknowledged) {
  auto session = Connected();
  EXPECT_EQ(session->name(), "web-1");
  EXPECT_FALSE(session->OnMessage(Output(1, "cmd-of-web-1", 100)).end);
  EXPECT_FALSE(session->OnMessage(Result(2, "cmd-of-web-1")).end);
  ASSERT_TRUE(own_sink_->Pop(absl::ZeroDuration()).has_value());
  ASSERT_TRUE(own_sink_->Pop(absl::ZeroDuration()).has_value());
  std::vector<dm::v1::ControllerMessage> sent = connection_->sent();
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_TRUE(sent[0].has_welcome());
  EXPECT_EQ(sent[2].ack().seq(), 2u);
  EXPECT_TRUE(Events("agent.misbehaved").empty());
}

TEST_F(AgentSessionTest, AnAnswerToAnotherAgentsCommandIsNotDeliveredAndCutsTheStream) {
  auto session = Connected();
  ExpectCutOff(session->OnMessage(Result(1, "cmd-of-web-2")), grpc::StatusCode::PERMISSION_DENIED,
               "answered command cmd-of-web-2, which was sent to another agent");
  EXPECT_FALSE(other_sink_->Pop(absl::ZeroDuration()).has_value());
  // The rightful agent's answer still arrives.
  AgentSession rightful(services_, "a2", "web-2", std::make_shared<FakeConnection>());
  ASSERT_FALSE(rightful.OnMessage(Hello("cmd-of-web-2")).end);
  EXPECT_FALSE(rightful.OnMessage(Result(1, "cmd-of-web-2")).end);
  EXPECT_TRUE(other_sink_->Pop(absl::ZeroDuration()).has_value());
}

TEST_F(AgentSessionTest, AnAnswerToACommandThatEndedIsDroppedQuietly) {
  auto session = Connected();
  // Late answers happen to honest agents (the operator's dmctl went away): no offence.
  EXPECT_FALSE(session->OnMessage(Result(1, "cmd-long-gone")).end);
  EXPECT_TRUE(Events("agent.misbehaved").empty());
}

TEST_F(AgentSessionTest, OutputPastTheChunkLimitCutsTheStream) {
  auto session = Connected();
  EXPECT_FALSE(session->OnMessage(Output(1, "cmd-of-web-1", 32 << 10)).end);
  ExpectCutOff(session->OnMessage(Output(2, "cmd-of-web-1", Limits::kMaxOutputChunkBytes + 1)),
               grpc::StatusCode::RESOURCE_EXHAUSTED, "bytes of output, over the limit");
}

TEST_F(AgentSessionTest, AMessagePastTheSizeLimitCutsTheStream) {
  auto session = Connected();
  dm::v1::AgentMessage huge = Result(1, "cmd-of-web-1");
  huge.mutable_result()->set_report_json(std::string(Limits::kMaxMessageBytes, '{'));
  ExpectCutOff(session->OnMessage(huge), grpc::StatusCode::RESOURCE_EXHAUSTED,
               "over the limit of 16777216");
  EXPECT_FALSE(own_sink_->Pop(absl::ZeroDuration()).has_value());
}

TEST_F(AgentSessionTest, BlobsComeOnlyFromTheAgentsOwnCommandsBundle) {
  auto session = Connected();
  EXPECT_FALSE(session->OnMessage(BlobRequest(1, "cmd-of-web-1", {"sha-in-bundle"})).end);
  std::vector<dm::v1::ControllerMessage> sent = connection_->sent();
  ASSERT_GE(sent.size(), 2u);
  const dm::v1::ControllerMessage& blobs = sent[sent.size() - 2];  // then the acknowledgement
  ASSERT_TRUE(blobs.has_blobs());
  EXPECT_EQ(blobs.blobs().blobs(0).data(), "cookbook file");

  ExpectCutOff(session->OnMessage(BlobRequest(2, "cmd-of-web-1", {"sha-in-bundle", "sha-other"})),
               grpc::StatusCode::PERMISSION_DENIED, "asked for blob sha-other");
  EXPECT_EQ(connection_->sent().size(), sent.size()) << "nothing of that request was sent";
}

TEST_F(AgentSessionTest, BlobsOfAnotherAgentsCommandAreRefused) {
  auto session = Connected();
  size_t before = connection_->sent().size();
  ExpectCutOff(session->OnMessage(BlobRequest(1, "cmd-of-web-2", {"sha-in-bundle"})),
               grpc::StatusCode::PERMISSION_DENIED, "blobs of command cmd-of-web-2");
  EXPECT_EQ(connection_->sent().size(), before);
}

TEST_F(AgentSessionTest, AStreamMustStartWithOneHello) {
  AgentSession without_hello(services_, "a1", "web-1", connection_);
  ExpectCutOff(without_hello.OnMessage(Heartbeat()), grpc::StatusCode::INVALID_ARGUMENT,
               "did not start its stream with a Hello");
  auto session = Connected();
  AgentSession::Verdict twice = session->OnMessage(Hello());
  EXPECT_TRUE(twice.end);
  EXPECT_EQ(twice.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(AgentSessionTest, MessagesOfAnUnknownKindAreIgnored) {
  auto session = Connected();
  dm::v1::AgentMessage unknown;
  unknown.set_seq(1);  // a newer agent's kind arrives with no body this controller knows
  EXPECT_FALSE(session->OnMessage(unknown).end);
  EXPECT_TRUE(Events("agent.misbehaved").empty());
}

TEST_F(AgentSessionTest, FactsWithControlAndPathCharactersAreCleanedBeforeTheyAreKept) {
  auto session = std::make_unique<AgentSession>(services_, "a1", "web-1", connection_);
  dm::v1::AgentMessage hello = Hello();
  dm::v1::Facts* facts = hello.mutable_hello()->mutable_facts();
  facts->set_hostname("../../etc/passwd");
  facts->set_os_name("Debian\x1b]0;owned\x07\nGNU/Linux");
  facts->set_kernel(std::string(10000, 'k'));
  facts->add_addresses("10.0.0.5");
  facts->add_addresses("10.0.0.5; rm -rf /");
  ASSERT_FALSE(session->OnMessage(hello).end);

  AgentView view = *directory_->Get("web-1");
  EXPECT_EQ(view.record.facts.hostname(), "invalid");
  EXPECT_EQ(view.record.facts.os_name(), "Debian?]0;owned??GNU/Linux");
  EXPECT_EQ(view.record.facts.kernel().size(), 256u);
  ASSERT_EQ(view.record.facts.addresses_size(), 1);
  EXPECT_EQ(view.record.facts.addresses(0), "10.0.0.5");
  std::vector<EventRecord> events = Events("agent.facts_cleaned");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_TRUE(absl::StrContains(events[0].message, "hostname: not a host name"))
      << events[0].message;
  EXPECT_FALSE(absl::StrContains(events[0].message, "\x1b"));
}

TEST_F(AgentSessionTest, AFloodIsSlowedDownNotCutAndRecordedOnce) {
  auto session = Connected();
  // A burst within one instant of the (fake) clock: the allowance, then waits that grow.
  for (int i = 0; i < Limits::kMessageBurst; ++i) {
    AgentSession::Verdict v = session->OnMessage(Heartbeat());
    ASSERT_EQ(v.wait, absl::ZeroDuration()) << "message " << i;
  }
  AgentSession::Verdict first_over = session->OnMessage(Heartbeat());
  EXPECT_FALSE(first_over.end);
  EXPECT_GT(first_over.wait, absl::ZeroDuration());
  AgentSession::Verdict second_over = session->OnMessage(Heartbeat());
  EXPECT_GT(second_over.wait, first_over.wait);
  EXPECT_EQ(Events("agent.throttled").size(), 1u);
  EXPECT_TRUE(Events("agent.misbehaved").empty());
  // Waiting as told pays the debt: the next message is read at once.
  clock_.Advance(second_over.wait + absl::Seconds(2) / Limits::kMessagesPerSecond);
  EXPECT_EQ(session->OnMessage(Heartbeat()).wait, absl::ZeroDuration());
  EXPECT_EQ(Events("agent.throttled").size(), 1u) << "one event per stream";
}

TEST_F(AgentSessionTest, TooManyHealthChecksCutTheStream) {
  auto session = Connected();
  dm::v1::AgentMessage report;
  report.set_seq(1);
  for (int i = 0; i <= Limits::kMaxChecksPerReport; ++i) report.mutable_health()->add_checks();
  ExpectCutOff(session->OnMessage(report), grpc::StatusCode::RESOURCE_EXHAUSTED,
               "health checks, over the limit");
}

}  // namespace
}  // namespace dm
