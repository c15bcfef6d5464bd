// Agents and callers that misbehave on purpose, against a real controller over real mutual TLS:
// an enrolled agent's certificate used to flood, to send output past the limits, to break the
// stream's order, to report facts with control and path characters, and a flood of enrollment
// attempts with bad tokens. The controller stays up, honest agents keep working, the offender is
// slowed or cut off with an event, and admin calls keep answering.
#include <signal.h>

#include <atomic>
#include <thread>

#include <grpcpp/generic/generic_stub.h>

#include "absl/strings/match.h"
#include "absl/time/clock.h"
#include "common/controller_channel.h"
#include "common/files.h"
#include "controller/enrollment/attempt_limiter.h"
#include "dm/v1/admin.grpc.pb.h"
#include "dm/v1/agent.grpc.pb.h"
#include "dm/v1/enroll.grpc.pb.h"
#include "tests/harness/fleet_fixture.h"

namespace dm::testing {
namespace {

using AgentStream = grpc::ClientReaderWriter<dm::v1::AgentMessage, dm::v1::ControllerMessage>;

class HostileAgentTest : public FleetTest {
 protected:
  void SetUp() override {
    FleetTest::SetUp();
    StartController();
    std::string token = CreateToken({"--uses", "3"});
    // Honest web-1 keeps running; mallory and eve enroll with the real agent, which then stops:
    // their certificates are what a compromised host would hold.
    for (const char* name : {"web-1", "mallory", "eve"}) {
      StartAgent(name, token);
      ASSERT_TRUE(WaitForAgentState(name, "connected"));
    }
    for (const char* name : {"mallory", "eve"}) {
      agent(name)->Signal(SIGTERM);
      agent(name)->Wait(absl::Seconds(15));
    }
    ca_pem_ = *ReadFile(Path("ctl/ca.crt"));
  }

  ChannelCredentialsPem AgentPem(const std::string& name) {
    return {ca_pem_, *ReadFile(AgentDir(name) + "/agent.key"),
            *ReadFile(AgentDir(name) + "/agent.crt")};
  }

  // A raw stream with `name`'s certificate.
  struct RawStream {
    std::unique_ptr<dm::v1::AgentService::Stub> stub;
    std::unique_ptr<grpc::ClientContext> context = std::make_unique<grpc::ClientContext>();
    std::unique_ptr<AgentStream> stream;
  };
  RawStream Open(const std::string& name) {
    RawStream raw;
    raw.stub = dm::v1::AgentService::NewStub(
        CreateControllerChannel(controller_address(), AgentPem(name)));
    raw.context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    raw.stream = raw.stub->Connect(raw.context.get());
    return raw;
  }
  static dm::v1::AgentMessage Hello() {
    dm::v1::AgentMessage hello;
    hello.mutable_hello()->set_epoch(42);
    return hello;
  }
  // Says Hello and waits for the Welcome.
  static bool Welcomed(RawStream& raw, const dm::v1::AgentMessage& hello = Hello()) {
    dm::v1::ControllerMessage reply;
    return raw.stream->Write(hello) && raw.stream->Read(&reply) && reply.has_welcome();
  }
  // Reads until the controller ends the stream; its status.
  static grpc::Status Ending(RawStream& raw) {
    raw.stream->WritesDone();
    dm::v1::ControllerMessage reply;
    while (raw.stream->Read(&reply)) {
    }
    return raw.stream->Finish();
  }

  // Sends bytes that do not parse as an AgentMessage on a stream with `name`'s certificate (a
  // generic call: the generated stub only writes well-formed messages). Whether the controller
  // ended the stream without a word (a stream whose bytes do not parse reads as ended).
  bool EndedUnanswered(const std::string& name) {
    grpc::GenericStub stub(CreateControllerChannel(controller_address(), AgentPem(name)));
    grpc::CompletionQueue queue;
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    auto call = stub.PrepareCall(&context, "/dm.v1.AgentService/Connect", &queue);
    auto step = [&queue] {
      void* tag;
      bool ok = false;
      return queue.Next(&tag, &ok) && ok;
    };
    call->StartCall(nullptr);
    step();
    // Field 2 (hello), length-delimited, claiming more bytes than follow.
    const char garbage[] = "\x12\xff\xff\xff\x0f\x01\x02";
    grpc::Slice slice(garbage, sizeof(garbage) - 1);
    grpc::ByteBuffer bytes(&slice, 1);
    call->Write(bytes, nullptr);
    step();
    grpc::ByteBuffer reply;
    call->Read(&reply, nullptr);
    bool answered = step();
    grpc::Status status;
    call->Finish(&status, nullptr);
    return step() && !answered;
  }

  std::vector<nlohmann::json> Events(const std::string& kind) {
    CommandResult r = Dmctl({"events", "--json", "--limit", "1000"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::vector<nlohmann::json> matching;
    for (const auto& e : nlohmann::json::parse(r.out, nullptr, false))
      if (e.value("kind", "") == kind) matching.push_back(e);
    return matching;
  }

  // The controller is up and honest web-1 still runs commands.
  void ExpectHonestAgentServed() {
    ASSERT_TRUE(controller()->Running()) << controller()->Log();
    CommandResult r = Dmctl({"exec", "web-1", "--", "echo", "still here"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "still here\n");
  }

  std::string ca_pem_;
};

TEST_F(HostileAgentTest, AFloodIsSlowedDownAndRecordedWhileOthersAreServed) {
  RawStream flood = Open("mallory");
  ASSERT_TRUE(Welcomed(flood));
  // Far more messages than a second's allowance, as fast as the stream takes them: output for
  // a command the controller does not know (late output, no offence), 2 KiB each, so that the
  // transport's buffers cannot hide whether the controller reads slowly.
  dm::v1::AgentMessage output;
  output.mutable_output()->set_command_id("long-gone");
  output.mutable_output()->set_data(std::string(2048, 'o'));
  absl::Time started = absl::Now();
  int written = 0;
  while (written < 30000 && flood.stream->Write(output)) ++written;
  absl::Duration took = absl::Now() - started;
  EXPECT_EQ(written, 30000) << "slowed, never cut: a busy agent is not an offender";
  // 26,000 past the burst at 2,000 a second take 13 s to be read.
  EXPECT_GT(took, absl::Seconds(5)) << "the flood was not slowed";
  ExpectHonestAgentServed();
  EXPECT_EQ(Events("agent.throttled").size(), 1u);
  EXPECT_TRUE(Events("agent.misbehaved").empty());
}

TEST_F(HostileAgentTest, OutputPastTheLimitsCutsTheAgentOffForAWhile) {
  RawStream raw = Open("mallory");
  ASSERT_TRUE(Welcomed(raw));
  dm::v1::AgentMessage output;
  output.set_seq(1);
  output.mutable_output()->set_command_id("anything");
  output.mutable_output()->set_data(std::string(1 << 20, 'x'));
  raw.stream->Write(output);
  grpc::Status ended = Ending(raw);
  EXPECT_EQ(ended.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << ended.error_message();

  std::vector<nlohmann::json> events = Events("agent.misbehaved");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["subject"], "mallory");
  EXPECT_TRUE(absl::StrContains(events[0].value("message", ""), "over the limit"));
  // Kept out: its next stream is refused before anything is read.
  RawStream again = Open("mallory");
  EXPECT_FALSE(Welcomed(again));
  EXPECT_EQ(again.stream->Finish().error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  ExpectHonestAgentServed();
}

TEST_F(HostileAgentTest, MessagesOutOfOrderOrUnreadableEndOnlyTheirOwnStream) {
  // Not starting with a Hello: a rule broken, recorded.
  RawStream no_hello = Open("eve");
  dm::v1::AgentMessage result;
  result.set_seq(1);
  result.mutable_result()->set_command_id("whatever");
  no_hello.stream->Write(result);
  EXPECT_EQ(Ending(no_hello).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Events("agent.misbehaved").size(), 1u);

  // Bytes that are no AgentMessage at all: gRPC ends the stream, nothing else happens.
  EXPECT_TRUE(EndedUnanswered("mallory"));
  ExpectHonestAgentServed();
}

TEST_F(HostileAgentTest, FactsWithControlAndPathCharactersAreShownClean) {
  RawStream raw = Open("mallory");
  dm::v1::AgentMessage hello = Hello();
  dm::v1::Facts* facts = hello.mutable_hello()->mutable_facts();
  facts->set_hostname("../../../etc/cron.d/x");
  facts->set_os_name("Debian\x1b]2;pwned\x07\x1b[2J");
  facts->add_addresses("$(reboot)");
  ASSERT_TRUE(Welcomed(raw, hello));

  CommandResult shown = Dmctl({"agents", "show", "mallory"});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_EQ(shown.out.find('\x1b'), std::string::npos) << shown.out;
  EXPECT_FALSE(absl::StrContains(shown.out, "../")) << shown.out;
  EXPECT_FALSE(absl::StrContains(shown.out, "$(reboot)")) << shown.out;
  ASSERT_EQ(Events("agent.facts_cleaned").size(), 1u);
  EXPECT_EQ(controller()->Log().find('\x1b'), std::string::npos) << "nor is the log written to";
}

TEST_F(HostileAgentTest, TenThousandBadEnrollmentsAreThrottledWhileAdminCallsAnswer) {
  auto enroll =
      dm::v1::Enrollment::NewStub(CreateControllerChannel(controller_address(), {ca_pem_, "", ""}));
  std::atomic<int> throttled{0}, refused{0}, sent{0};
  auto guesser = [&] {
    dm::v1::EnrollRequest request;
    request.set_token_id("guessed1");
    request.set_token_secret(std::string(32, 'g'));
    request.set_name("intruder");
    while (sent.fetch_add(1) < 10000) {
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
      dm::v1::EnrollResponse response;
      grpc::StatusCode code = enroll->Enroll(&context, request, &response).error_code();
      (code == grpc::StatusCode::RESOURCE_EXHAUSTED ? throttled : refused)++;
    }
  };
  absl::Time started = absl::Now();
  std::vector<std::thread> guessers;
  for (int i = 0; i < 8; ++i) guessers.emplace_back(guesser);

  // Meanwhile the operator's calls answer within a second each.
  auto admin = dm::v1::Admin::NewStub(CreateControllerChannel(
      controller_address(),
      {ca_pem_, *ReadFile(Path("ctl/admin.key")), *ReadFile(Path("ctl/admin.crt"))}));
  absl::Duration slowest;
  int calls = 0;
  while (sent.load() < 10000) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    dm::v1::ListAgentsResponse agents;
    absl::Time start = absl::Now();
    ASSERT_TRUE(admin->ListAgents(&context, {}, &agents).ok());
    slowest = std::max(slowest, absl::Now() - start);
    ++calls;
    absl::SleepFor(absl::Milliseconds(50));
  }
  for (std::thread& t : guessers) t.join();
  EXPECT_GT(calls, 3);
  EXPECT_LT(slowest, absl::Seconds(1));

  // Let through: the allowance, what came back while the flood lasted, and those in flight.
  const int let_through =
      static_cast<int>(AttemptLimiter::kFailuresAllowed) + 8 +
      static_cast<int>(absl::FDivDuration(absl::Now() - started, AttemptLimiter::kRefill) *
                       AttemptLimiter::kFailuresAllowed) +
      1;
  EXPECT_EQ(throttled + refused, 10000);
  EXPECT_LE(refused.load(), let_through) << "past the allowance, attempts are refused unread";
  EXPECT_EQ(Events("enroll.throttled").size(), 1u) << "one event for the whole run";
  EXPECT_LE(Events("enroll.refused").size(), static_cast<size_t>(let_through));
  ExpectHonestAgentServed();
  EXPECT_EQ(AgentState("intruder"), "");
}

}  // namespace
}  // namespace dm::testing
