#include "agent/session/session.h"

#include <random>
#include <thread>

#include "absl/time/clock.h"
#include "agent/facts/facts.h"
#include "agent/health/health_report.h"
#include "agent/session/controller_messages.h"
#include "common/controller_channel.h"
#include "common/grpc_status.h"
#include "common/log.h"
#include "common/random.h"
#include "dm/v1/agent.grpc.pb.h"

namespace dm {
namespace {

using Stream = grpc::ClientReaderWriter<dm::v1::AgentMessage, dm::v1::ControllerMessage>;

double RandomUnit() {
  thread_local std::mt19937_64 rng(RandomUint64());
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
}

bool IsFinalRefusal(const grpc::Status& status) {
  return status.error_code() == grpc::StatusCode::PERMISSION_DENIED ||
         status.error_code() == grpc::StatusCode::UNAUTHENTICATED;
}

}  // namespace

Session::Session(AgentIdentity identity, SessionOptions options)
    : identity_(std::move(identity)),
      options_(options),
      epoch_(RandomUint64() | 1),  // never 0: 0 means "no epoch yet" to the controller
      health_(options.state_dir, std::make_unique<health::HostProber>(), Clock::Real(),
              [this](const std::vector<health::CheckStatus>& all) { ReportHealth(all); }),
      dispatcher_(&outbox_, options.state_dir, &health_),
      backoff_(options.initial_backoff, options.max_backoff, RandomUnit) {}

grpc::ChannelArguments AgentStreamChannelArguments() {
  grpc::ChannelArguments args;
  // Keepalive pings find a dead connection (and keep NAT mappings) while the stream is idle.
  args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, 30000);
  args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 10000);
  args.SetInt(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  // Small messages: flow-control tuning pings (BDP probes) are pure overhead here.
  args.SetInt(GRPC_ARG_HTTP2_BDP_PROBE, 0);
  // Cookbook files arrive in messages of about 1 MB; one large file may be a message of its own.
  args.SetInt(GRPC_ARG_MAX_RECEIVE_MESSAGE_LENGTH, 64 << 20);
  return args;
}

std::shared_ptr<grpc::Channel> Session::Dial() const {
  return CreateControllerChannel(identity_.controller,
                                 {identity_.ca_pem, identity_.key_pem, identity_.cert_pem},
                                 AgentStreamChannelArguments());
}

Session::~Session() { Stop(); }

void Session::Stop() {
  std::lock_guard<std::mutex> lock(mu_);
  stopping_ = true;
  if (active_context_ != nullptr) active_context_->TryCancel();
  stop_cv_.notify_all();
}

void Session::SleepUnlessStopped(absl::Duration d) {
  std::unique_lock<std::mutex> lock(mu_);
  stop_cv_.wait_for(lock, absl::ToChronoNanoseconds(d), [this] { return stopping_; });
}

void Session::ReportHealth(const std::vector<health::CheckStatus>& all) {
  dm::v1::AgentMessage message;
  *message.mutable_health() = health::ToHealthReport(all);
  outbox_.Push(std::move(message));
}

absl::Status Session::Run() {
  if (absl::Status s = health_.Start(); !s.ok())
    LogError("health checks: {} (none run until the next converge)", s.ToString());
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) break;
    }
    bool welcomed = false;
    grpc::Status status = RunStream(&welcomed);
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) break;
    }
    if (IsFinalRefusal(status)) {
      LogError("the controller refuses this agent: {}", status.error_message());
      dispatcher_.CancelAllAndWait();
      health_.Stop();
      return FromGrpcStatus(status);
    }
    if (welcomed) backoff_.Reset();
    absl::Duration delay = backoff_.Next();
    LogWarn("stream to {} ended ({}: {}); reconnecting in {}", identity_.controller,
            static_cast<int>(status.error_code()), status.error_message(),
            absl::FormatDuration(delay));
    SleepUnlessStopped(delay);
  }
  dispatcher_.CancelAllAndWait();
  health_.Stop();
  return absl::OkStatus();
}

grpc::Status Session::RunStream(bool* welcomed) {
  // A fresh channel for every attempt: a channel that failed keeps answering fail-fast calls
  // with its cached error for a while even after the controller is back (seen with gRPC 1.51),
  // and the pacing of attempts belongs to our Backoff alone.
  auto stub = dm::v1::AgentService::NewStub(Dial());
  grpc::ClientContext context;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return grpc::Status::CANCELLED;
    active_context_ = &context;
  }
  std::unique_ptr<Stream> stream = stub->Connect(&context);

  dm::v1::AgentMessage hello;
  hello.mutable_hello()->set_epoch(epoch_);
  *hello.mutable_hello()->mutable_facts() = CollectFacts();
  // Running commands first, queued results second: a command that finishes in between is
  // then in the outbox (see CommandDispatcher::Finish).
  for (const std::string& id : dispatcher_.ActiveIds())
    hello.mutable_hello()->add_active_commands(id);
  for (const std::string& id : outbox_.PendingResultIds())
    hello.mutable_hello()->add_active_commands(id);

  dm::v1::ControllerMessage incoming;
  if (stream->Write(hello) && stream->Read(&incoming) && incoming.has_welcome()) {
    *welcomed = true;
    const dm::v1::Welcome& welcome = incoming.welcome();
    absl::Duration heartbeat =
        absl::Milliseconds(std::max<uint32_t>(welcome.heartbeat_interval_ms(), 100));
    LogInfo("connected to {} as {} (resuming after seq {})", identity_.controller,
            welcome.agent_name(), welcome.acked_seq());
    outbox_.Ack(welcome.acked_seq());
    outbox_.RewindToUnacked();

    std::thread writer([&] { WriteLoop(stream.get(), heartbeat); });
    while (stream->Read(&incoming)) {
      HandleControllerMessage(std::move(incoming), &outbox_, &dispatcher_,
                              [this] { ReportHealth(health_.Snapshot()); });
    }
    // The read side ended: stop the writer, then collect the status.
    context.TryCancel();
    outbox_.Interrupt();
    writer.join();
  }
  grpc::Status status = stream->Finish();
  {
    std::lock_guard<std::mutex> lock(mu_);
    active_context_ = nullptr;
  }
  return status;
}

void Session::WriteLoop(Stream* stream, absl::Duration heartbeat_interval) {
  absl::Time next_heartbeat = absl::Now() + heartbeat_interval;
  for (;;) {
    absl::Duration wait = std::max(next_heartbeat - absl::Now(), absl::ZeroDuration());
    std::optional<dm::v1::AgentMessage> message = outbox_.NextToSend(wait);
    if (!message) {
      if (absl::Now() < next_heartbeat) return;  // interrupted: the stream is ending
      message.emplace();
      message->mutable_heartbeat()->set_sent_unix_ms(absl::ToUnixMillis(absl::Now()));
      message->mutable_heartbeat()->set_health_digest(health_.Digest());
    }
    if (!stream->Write(*message)) return;
    // Any message shows the controller that the agent is alive.
    next_heartbeat = absl::Now() + heartbeat_interval;
  }
}

}  // namespace dm
