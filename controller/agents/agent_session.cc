#include "controller/agents/agent_session.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/log.h"
#include "controller/agents/agent_facts.h"

namespace dm {
namespace {

using dm::v1::AgentMessage;
using dm::v1::ControllerMessage;
using Limits = AgentStreamLimits;

// The command an output, progress or result message answers.
const std::string& AnsweredCommand(const AgentMessage& message) {
  if (message.has_output()) return message.output().command_id();
  if (message.has_progress()) return message.progress().command_id();
  return message.result().command_id();
}

}  // namespace

AgentSession::AgentSession(const AgentSessionServices& services, std::string agent_id,
                           std::string agent_name, std::shared_ptr<AgentConnection> connection)
    : services_(services),
      agent_id_(std::move(agent_id)),
      connection_(std::move(connection)),
      name_(std::move(agent_name)) {}

AgentSession::Verdict AgentSession::OnMessage(const AgentMessage& message) {
  size_t bytes = message.ByteSizeLong();
  if (bytes > Limits::kMaxMessageBytes) {
    return Misbehaved(grpc::StatusCode::RESOURCE_EXHAUSTED,
                      absl::StrCat("sent a message of ", bytes, " bytes, over the limit of ",
                                   Limits::kMaxMessageBytes));
  }
  if (!attached_) return OnHello(message);
  Verdict verdict = OnSequenced(message);
  if (!verdict.end) verdict.wait = Throttle();
  return verdict;
}

void AgentSession::OnStreamEnd() {
  if (!attached_) return;
  services_.directory->Detach(agent_id_, connection_.get());
  LogInfo("agent {} disconnected", name_);
}

AgentSession::Verdict AgentSession::OnHello(const AgentMessage& message) {
  if (!message.has_hello()) {
    return Misbehaved(grpc::StatusCode::INVALID_ARGUMENT, "did not start its stream with a Hello");
  }
  dm::v1::Hello hello = message.hello();
  std::vector<std::string> cleaned = CleanFacts(hello.mutable_facts());
  ResumePoint resume = services_.directory->Attach(agent_id_, connection_, hello);
  if (resume.agent_name.empty()) {
    return {true, grpc::Status(grpc::StatusCode::PERMISSION_DENIED, "this agent was removed"),
            absl::ZeroDuration()};
  }
  attached_ = true;
  name_ = resume.agent_name;
  last_ack_sent_ = resume.acked_seq;
  if (!cleaned.empty()) {
    std::string what =
        absl::StrCat("facts cleaned before they were kept: ", absl::StrJoin(cleaned, "; "));
    LogWarn("agent {}: {}", name_, what);
    if (services_.audit != nullptr) services_.audit->Record("agent.facts_cleaned", name_, what);
  }

  ControllerMessage welcome;
  welcome.mutable_welcome()->set_acked_seq(resume.acked_seq);
  welcome.mutable_welcome()->set_heartbeat_interval_ms(
      static_cast<uint32_t>(absl::ToInt64Milliseconds(services_.heartbeat_interval)));
  welcome.mutable_welcome()->set_agent_name(name_);
  connection_->Send(welcome);

  // Commands the agent no longer knows (it restarted while they ran) will never be answered.
  std::set<std::string> active(hello.active_commands().begin(), hello.active_commands().end());
  size_t lost = services_.tracker->FailCommandsOf(
      agent_id_, "the agent restarted and lost this command", active);
  LogInfo("agent {} connected from {} (version {}, resuming after seq {}{})", name_,
          connection_->peer(), hello.facts().agent_version(), resume.acked_seq,
          lost ? ", " + std::to_string(lost) + " commands lost" : "");
  return {};
}

AgentSession::Verdict AgentSession::OnSequenced(const AgentMessage& message) {
  // A message re-sent after a reconnect that was already received is acknowledged again but
  // not delivered twice.
  uint64_t acked = 0;
  bool fresh = services_.directory->Heard(agent_id_, message.seq(), &acked);
  switch (message.body_case()) {
    case AgentMessage::kOutput:
      if (message.output().data().size() > Limits::kMaxOutputChunkBytes) {
        return Misbehaved(
            grpc::StatusCode::RESOURCE_EXHAUSTED,
            absl::StrCat("sent a chunk of ", message.output().data().size(),
                         " bytes of output, over the limit of ", Limits::kMaxOutputChunkBytes));
      }
      [[fallthrough]];
    case AgentMessage::kResult:
    case AgentMessage::kProgress:
      if (fresh && !services_.tracker->Deliver(agent_id_, message) &&
          services_.tracker->BelongsToAnother(agent_id_, AnsweredCommand(message))) {
        return Misbehaved(grpc::StatusCode::PERMISSION_DENIED,
                          absl::StrCat("answered command ", AnsweredCommand(message),
                                       ", which was sent to another agent"));
      }
      break;
    case AgentMessage::kBlobRequest:
      if (fresh) {
        std::string broken = SendBlobs(message.blob_request());
        if (!broken.empty()) return Misbehaved(grpc::StatusCode::PERMISSION_DENIED, broken);
      }
      break;
    case AgentMessage::kHealth: {
      if (message.health().checks_size() > Limits::kMaxChecksPerReport) {
        return Misbehaved(
            grpc::StatusCode::RESOURCE_EXHAUSTED,
            absl::StrCat("reported ", message.health().checks_size(),
                         " health checks, over the limit of ", Limits::kMaxChecksPerReport));
      }
      if (!fresh || services_.health == nullptr) break;
      dm::v1::HealthReport report = message.health();
      for (dm::v1::CheckStatus& check : *report.mutable_checks()) {
        if (check.output().size() > Limits::kMaxCheckOutputBytes)
          check.mutable_output()->resize(Limits::kMaxCheckOutputBytes);
      }
      services_.health->Report(name_, report);
      break;
    }
    case AgentMessage::kHeartbeat:
      if (services_.health != nullptr &&
          services_.health->ShouldAskForReport(name_, message.heartbeat().health_digest())) {
        ControllerMessage ask;
        ask.mutable_health_request();
        connection_->Send(ask);
      }
      break;
    case AgentMessage::kHello:
      return Misbehaved(grpc::StatusCode::INVALID_ARGUMENT, "sent a second Hello on one stream");
    default:
      // A kind this controller does not know: a newer agent's. Ignored, but counted.
      if (!unknown_kind_logged_) {
        unknown_kind_logged_ = true;
        LogWarn(
            "agent {} sends messages of a kind this controller does not know (a newer "
            "agent?); they are ignored",
            name_);
      }
      break;
  }
  // Acknowledge what arrived, but only when there is something new: heartbeats alone do not
  // cost a write per agent.
  if (acked > last_ack_sent_) {
    last_ack_sent_ = acked;
    ControllerMessage ack;
    ack.mutable_ack()->set_seq(acked);
    connection_->Send(ack);
  }
  return {};
}

std::string AgentSession::SendBlobs(const dm::v1::BlobRequest& request) {
  const std::string& command = request.command_id();
  const std::map<std::string, std::string>* blobs = nullptr;
  std::shared_ptr<const CommandTracker::InputParts> input =
      services_.tracker->InputOf(agent_id_, command);
  std::shared_ptr<const Bundle> bundle;
  if (input != nullptr) {
    blobs = input.get();
  } else if (std::string hash = services_.tracker->BundleOf(agent_id_, command); !hash.empty()) {
    bundle = services_.bundles->Find(hash);
    if (bundle != nullptr) blobs = &bundle->blobs;
  }
  if (blobs == nullptr) {
    if (services_.tracker->BelongsToAnother(agent_id_, command)) {
      return absl::StrCat("asked for the blobs of command ", command,
                          ", which was sent to another agent");
    }
    // Late (the command ended) or a bundle no longer cached: nothing to send.
    LogWarn("agent {} asked for blobs of command {}, which has none here", name_, command);
    return "";
  }
  for (const std::string& sha : request.sha256()) {
    if (blobs->count(sha) == 0) {
      return absl::StrCat("asked for blob ", sha.substr(0, 64), ", which is not part of command ",
                          command);
    }
  }
  SendBlobsFrom(*blobs, request);
  return "";
}

void AgentSession::SendBlobsFrom(const std::map<std::string, std::string>& blobs,
                                 const dm::v1::BlobRequest& request) {
  constexpr size_t kMessageBytes = 1 << 20;
  ControllerMessage out;
  size_t bytes = 0;
  auto flush = [&] {
    if (out.blobs().blobs_size() == 0) return;
    connection_->Send(out);
    out.Clear();
    bytes = 0;
  };
  for (const std::string& sha : request.sha256()) {
    const std::string& data = blobs.at(sha);
    if (bytes + data.size() > kMessageBytes) flush();
    out.mutable_blobs()->set_command_id(request.command_id());
    dm::v1::Blob* blob = out.mutable_blobs()->add_blobs();
    blob->set_sha256(sha);
    blob->set_data(data);
    bytes += data.size();
  }
  flush();
}

AgentSession::Verdict AgentSession::Misbehaved(grpc::StatusCode code, const std::string& what) {
  absl::Time until = services_.clock->Now() + Limits::kBarredFor;
  services_.directory->Bar(agent_id_, until);
  std::string message =
      absl::StrCat(what, "; stream ended, kept out for ", absl::FormatDuration(Limits::kBarredFor));
  LogWarn("agent {} from {} {}", name_, connection_->peer(), message);
  if (services_.audit != nullptr) services_.audit->Record("agent.misbehaved", name_, message);
  return {true, grpc::Status(code, what), absl::ZeroDuration()};
}

absl::Duration AgentSession::Throttle() {
  absl::Time now = services_.clock->Now();
  if (tokens_at_ != absl::InfinitePast()) {
    double refill = absl::ToDoubleSeconds(now - tokens_at_) * Limits::kMessagesPerSecond;
    tokens_ = std::min(Limits::kMessageBurst, tokens_ + std::max(refill, 0.0));
  }
  tokens_at_ = now;
  tokens_ -= 1;
  if (tokens_ >= 0) return absl::ZeroDuration();
  // In debt: the next read waits until the bucket is back to zero.
  if (!throttled_once_) {
    throttled_once_ = true;
    std::string what = absl::StrCat("sends more than ", Limits::kMessagesPerSecond,
                                    " messages a second; its stream is read more slowly");
    LogWarn("agent {}: {}", name_, what);
    if (services_.audit != nullptr) services_.audit->Record("agent.throttled", name_, what);
  }
  return absl::Seconds(-tokens_ / Limits::kMessagesPerSecond);
}

}  // namespace dm
