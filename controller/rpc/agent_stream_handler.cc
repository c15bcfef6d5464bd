#include "controller/rpc/agent_stream_handler.h"

#include <deque>
#include <memory>
#include <mutex>

#include <grpcpp/alarm.h>

#include "absl/base/thread_annotations.h"
#include "absl/time/clock.h"
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
      if (!paused_) FinishNowLocked();
    } else if (!queue_.empty()) {
      StartNextWriteLocked();
    }
  }

  void OnDone() {
    std::lock_guard<std::mutex> lock(mu_);
    reactor_ = nullptr;
  }

  // While reading is paused (an alarm will start the next read), the stream is not finished:
  // that read must never follow the end of the call.
  void PauseReading() {
    std::lock_guard<std::mutex> lock(mu_);
    paused_ = true;
  }
  // Ends the pause: starts the next read (`start_read`, under the lock, as writes start), or
  // finishes the stream if it was closed meanwhile or `read_more` is false.
  template <typename StartRead>
  void ResumeReading(bool read_more, const StartRead& start_read) {
    std::lock_guard<std::mutex> lock(mu_);
    paused_ = false;
    if (!read_more) FinishLocked(grpc::Status(grpc::StatusCode::CANCELLED, "cancelled"));
    if (!finish_requested_) {
      start_read();
    } else if (!writing_) {
      FinishNowLocked();  // the finish Close asked for while paused
    }
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
    if (!writing_ && !paused_) FinishNowLocked();
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
  bool paused_ = false;
  bool finish_requested_ = false;
  bool finished_ = false;
  grpc::Status status_;
};

// One stream: the gRPC side of an AgentSession. Reads one message at a time; when the session
// asks to wait (the agent sends too much), an alarm starts the next read, so that no gRPC thread
// sleeps. The stream is not finished while that alarm is pending (StreamConnection), so OnDone,
// which deletes the reactor, always comes after it.
class AgentStream : public Reactor {
 public:
  AgentStream(grpc::CallbackServerContext* context, const AgentSessionServices& services) {
    connection_ = std::make_shared<StreamConnection>(this, context->peer());
    absl::StatusOr<PeerIdentity> peer = RequirePeer(*context, PeerKind::kAgent);
    absl::StatusOr<AgentRecord> agent =
        peer.ok() ? services.directory->Authenticate(peer->id, peer->cert_serial)
                  : absl::StatusOr<AgentRecord>(peer.status());
    if (!agent.ok()) {
      LogWarn("refused agent stream from {}: {}", context->peer(),
              std::string(agent.status().message()));
      connection_->Close(ToGrpcStatus(agent.status()));
      return;
    }
    session_ = std::make_unique<AgentSession>(services, agent->id, agent->name, connection_);
    StartRead(&incoming_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {
      // The agent closed its side or the connection broke.
      connection_->Close(grpc::Status::OK);
      return;
    }
    AgentSession::Verdict verdict = session_->OnMessage(incoming_);
    if (verdict.end) {
      connection_->Close(verdict.status);
    } else if (verdict.wait <= absl::ZeroDuration()) {
      StartRead(&incoming_);
    } else {
      connection_->PauseReading();
      std::lock_guard<std::mutex> lock(alarm_mu_);
      // A fresh alarm each time; the one before has fired (its callback holds what it needs).
      alarm_ = std::make_unique<grpc::Alarm>();
      alarm_->Set(absl::ToChronoTime(absl::Now() + verdict.wait), [this](bool fired) {
        // A copy: once the stream finishes here, OnDone may delete this reactor at once.
        std::shared_ptr<StreamConnection> connection = connection_;
        connection->ResumeReading(fired, [this] { StartRead(&incoming_); });
      });
    }
  }

  void OnWriteDone(bool ok) override { connection_->OnWriteDone(ok); }

  void OnCancel() override {
    connection_->Close(grpc::Status(grpc::StatusCode::CANCELLED, "stream cancelled"));
    std::lock_guard<std::mutex> lock(alarm_mu_);
    // A pending alarm runs its callback now, not fired: the stream finishes.
    if (alarm_ != nullptr) alarm_->Cancel();
  }

  void OnDone() override {
    connection_->OnDone();
    if (session_ != nullptr) session_->OnStreamEnd();
    delete this;
  }

 private:
  std::shared_ptr<StreamConnection> connection_;
  std::unique_ptr<AgentSession> session_;
  AgentMessage incoming_;
  std::mutex alarm_mu_;
  std::unique_ptr<grpc::Alarm> alarm_ ABSL_GUARDED_BY(alarm_mu_);
};

}  // namespace

grpc::ServerBidiReactor<AgentMessage, ControllerMessage>* AgentStreamHandler::Connect(
    grpc::CallbackServerContext* context) {
  return new AgentStream(context, services_);
}

}  // namespace dm
