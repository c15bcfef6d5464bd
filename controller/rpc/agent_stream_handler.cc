#include "controller/rpc/agent_stream_handler.h"

#include <deque>
#include <memory>
#include <mutex>
#include <set>

#include "absl/base/thread_annotations.h"
#include "common/grpc_status.h"
#include "common/log.h"
#include "controller/rpc/peer_identity.h"

namespace dm {
namespace {

using dm::v1::AgentMessage;
using dm::v1::ControllerMessage;
using Reactor = grpc::ServerBidiReactor<AgentMessage, ControllerMessage>;

// The write side of one stream, shared with the AgentDirectory (which outlives the reactor's
// view of it). gRPC allows one write in flight per stream: messages queue here and go out one
// after another. Once the reactor is done, Send fails and nothing touches the reactor again.
class StreamConnection : public AgentConnection {
 public:
  // An agent that stops reading its stream must not make the controller buffer without bound.
  static constexpr size_t kMaxQueued = 4096;

  StreamConnection(Reactor* reactor, std::string peer)
      : reactor_(reactor), peer_(std::move(peer)) {}

  bool Send(const ControllerMessage& message) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (reactor_ == nullptr || finish_requested_) return false;
    if (queue_.size() >= kMaxQueued) {
      FinishLocked(
          grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "agent is not reading its stream"));
      return false;
    }
    queue_.push_back(message);
    if (!writing_) StartNextWriteLocked();
    return true;
  }

  void Close(const grpc::Status& status) override {
    std::lock_guard<std::mutex> lock(mu_);
    FinishLocked(status);
  }

  std::string peer() const override { return peer_; }

  // Reactor hooks.
  void OnWriteDone(bool ok) {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.pop_front();
    writing_ = false;
    if (!ok) {
      // The stream is broken; no later write can succeed.
      FinishLocked(grpc::Status(grpc::StatusCode::UNAVAILABLE, "write failed"));
      return;
    }
    if (finish_requested_) {
      FinishNowLocked();
    } else if (!queue_.empty()) {
      StartNextWriteLocked();
    }
  }

  void OnDone() {
    std::lock_guard<std::mutex> lock(mu_);
    reactor_ = nullptr;
  }

 private:
  void StartNextWriteLocked() {
    writing_ = true;
    // deque::push_back never moves existing elements: front() stays valid until OnWriteDone.
    reactor_->StartWrite(&queue_.front());
  }

  // Finish is sent after the write in flight, if any, completes.
  void FinishLocked(const grpc::Status& status) {
    if (reactor_ == nullptr || finish_requested_) return;
    finish_requested_ = true;
    status_ = status;
    if (!writing_) FinishNowLocked();
  }

  void FinishNowLocked() {
    if (finished_ || reactor_ == nullptr) return;
    finished_ = true;
    reactor_->Finish(status_);
  }

  std::mutex mu_;
  Reactor* reactor_ ABSL_GUARDED_BY(mu_);  // null once the reactor is done
  const std::string peer_;
  std::deque<ControllerMessage> queue_
      ABSL_GUARDED_BY(mu_);  // front() is being written if writing_
  bool writing_ = false;
  bool finish_requested_ = false;
  bool finished_ = false;
  grpc::Status status_;
};

class AgentStream : public Reactor {
 public:
  AgentStream(grpc::CallbackServerContext* context, AgentDirectory* directory,
              CommandTracker* tracker, BundleCache* bundles, HealthBoard* health,
              absl::Duration heartbeat_interval)
      : directory_(directory),
        tracker_(tracker),
        bundles_(bundles),
        health_(health),
        heartbeat_interval_(heartbeat_interval) {
    connection_ = std::make_shared<StreamConnection>(this, context->peer());
    absl::StatusOr<PeerIdentity> peer = RequirePeer(*context, PeerKind::kAgent);
    absl::Status admitted = peer.status();
    if (peer.ok()) admitted = directory_->Authenticate(peer->id, peer->cert_serial).status();
    if (!admitted.ok()) {
      LogWarn("refused agent stream from {}: {}", context->peer(), std::string(admitted.message()));
      connection_->Close(ToGrpcStatus(admitted));
      return;
    }
    agent_id_ = peer->id;
    StartRead(&incoming_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {
      // The agent closed its side or the connection broke.
      connection_->Close(grpc::Status::OK);
      return;
    }
    grpc::Status status = attached_ ? Handle(incoming_) : HandleHello(incoming_);
    if (!status.ok()) {
      connection_->Close(status);
      return;
    }
    StartRead(&incoming_);
  }

  void OnWriteDone(bool ok) override { connection_->OnWriteDone(ok); }

  void OnCancel() override {
    connection_->Close(grpc::Status(grpc::StatusCode::CANCELLED, "stream cancelled"));
  }

  void OnDone() override {
    connection_->OnDone();
    if (attached_) {
      directory_->Detach(agent_id_, connection_.get());
      LogInfo("agent {} disconnected", name_);
    }
    delete this;
  }

 private:
  grpc::Status HandleHello(const AgentMessage& message) {
    if (!message.has_hello()) {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "the first message must be a Hello");
    }
    const dm::v1::Hello& hello = message.hello();
    ResumePoint resume = directory_->Attach(agent_id_, connection_, hello);
    if (resume.agent_name.empty()) {
      return grpc::Status(grpc::StatusCode::PERMISSION_DENIED, "this agent was removed");
    }
    attached_ = true;
    name_ = resume.agent_name;
    last_ack_sent_ = resume.acked_seq;

    ControllerMessage welcome;
    welcome.mutable_welcome()->set_acked_seq(resume.acked_seq);
    welcome.mutable_welcome()->set_heartbeat_interval_ms(
        static_cast<uint32_t>(absl::ToInt64Milliseconds(heartbeat_interval_)));
    welcome.mutable_welcome()->set_agent_name(name_);
    connection_->Send(welcome);

    // Commands the agent no longer knows (it restarted while they ran) will never be answered.
    std::set<std::string> active(hello.active_commands().begin(), hello.active_commands().end());
    size_t lost =
        tracker_->FailCommandsOf(agent_id_, "the agent restarted and lost this command", active);
    LogInfo("agent {} connected from {} (version {}, resuming after seq {}{})", name_,
            connection_->peer(), hello.facts().agent_version(), resume.acked_seq,
            lost ? ", " + std::to_string(lost) + " commands lost" : "");
    return grpc::Status::OK;
  }

  grpc::Status Handle(const AgentMessage& message) {
    // A message re-sent after a reconnect that was already received is acknowledged again
    // but not delivered twice.
    uint64_t acked = 0;
    bool fresh = directory_->Heard(agent_id_, message.seq(), &acked);
    if (fresh && (message.has_output() || message.has_result() || message.has_progress())) {
      tracker_->Deliver(agent_id_, message);
    } else if (fresh && message.has_blob_request()) {
      SendBlobs(message.blob_request());
    } else if (fresh && message.has_health() && health_ != nullptr) {
      health_->Report(name_, message.health());
    } else if (message.has_heartbeat() && health_ != nullptr &&
               health_->ShouldAskForReport(name_, message.heartbeat().health_digest())) {
      ControllerMessage ask;
      ask.mutable_health_request();
      connection_->Send(ask);
    } else if (message.has_hello()) {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "Hello sent twice on one stream");
    }
    // Acknowledge what arrived, but only when there is something new: heartbeats alone do not
    // cost a write per agent.
    if (acked > last_ack_sent_) {
      last_ack_sent_ = acked;
      ControllerMessage ack;
      ack.mutable_ack()->set_seq(acked);
      connection_->Send(ack);
    }
    return grpc::Status::OK;
  }

  // Answers a command's request for the blobs the agent lacks: only blobs of that agent's own
  // command in flight (a converge's bundle, or an exec's input parts), in messages of at most
  // about 1 MB.
  void SendBlobs(const dm::v1::BlobRequest& request) {
    if (std::shared_ptr<const CommandTracker::InputParts> input =
            tracker_->InputOf(agent_id_, request.command_id())) {
      SendBlobsFrom(*input, request);
      return;
    }
    std::string hash = tracker_->BundleOf(agent_id_, request.command_id());
    std::shared_ptr<const Bundle> bundle = hash.empty() ? nullptr : bundles_->Find(hash);
    if (bundle == nullptr) {
      LogWarn("agent {} asked for blobs of command {}, which has no bundle here", name_,
              request.command_id());
      return;
    }
    SendBlobsFrom(bundle->blobs, request);
  }

  void SendBlobsFrom(const std::map<std::string, std::string>& blobs,
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
      auto blob = blobs.find(sha);
      if (blob == blobs.end()) continue;  // not this command's: never sent
      if (bytes + blob->second.size() > kMessageBytes) flush();
      out.mutable_blobs()->set_command_id(request.command_id());
      dm::v1::Blob* b = out.mutable_blobs()->add_blobs();
      b->set_sha256(sha);
      b->set_data(blob->second);
      bytes += blob->second.size();
    }
    flush();
  }

  AgentDirectory* const directory_;
  CommandTracker* const tracker_;
  BundleCache* const bundles_;
  HealthBoard* const health_;
  const absl::Duration heartbeat_interval_;
  std::shared_ptr<StreamConnection> connection_;
  std::string agent_id_;
  std::string name_;
  bool attached_ = false;
  uint64_t last_ack_sent_ = 0;
  AgentMessage incoming_;
};

}  // namespace

grpc::ServerBidiReactor<AgentMessage, ControllerMessage>* AgentStreamHandler::Connect(
    grpc::CallbackServerContext* context) {
  return new AgentStream(context, directory_, tracker_, bundles_, health_, heartbeat_interval_);
}

}  // namespace dm
