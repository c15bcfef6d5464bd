// The agent's one long-lived stream to the controller. Dials out (works behind NAT), sends a
// Hello with facts, then heartbeats and the Outbox's messages; runs what the controller sends.
// When the stream breaks it reconnects with jittered exponential backoff and resumes where the
// controller's acknowledgements left off.
#ifndef DM_AGENT_SESSION_SESSION_H_
#define DM_AGENT_SESSION_SESSION_H_

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>

#include <grpcpp/grpcpp.h>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "agent/commands/command_dispatcher.h"
#include "agent/health/health_monitor.h"
#include "agent/identity/agent_identity.h"
#include "agent/session/backoff.h"
#include "agent/session/outbox.h"

namespace dm {

// Channel settings for the agent's stream (also used by the fleet benchmark's simulated agents,
// so that they cost the controller what real ones do).
grpc::ChannelArguments AgentStreamChannelArguments();

struct SessionOptions {
  absl::Duration initial_backoff = absl::Milliseconds(500);
  absl::Duration max_backoff = absl::Seconds(30);
  // The agent's state folder: converge cache, backups, supervised services.
  std::string state_dir = "/var/lib/dm-agent";
};

class Session {
 public:
  Session(AgentIdentity identity, SessionOptions options);
  ~Session();

  // Runs until Stop() (OK) or until the controller refuses this agent for good: its certificate
  // was revoked (PermissionDenied) or is not accepted (Unauthenticated).
  absl::Status Run();
  // Ends Run() from another thread (a signal handler thread). Idempotent.
  void Stop();

 private:
  // One stream from dial to end. Returns how it ended; `welcomed` tells whether the controller
  // accepted the stream (then the backoff starts over).
  grpc::Status RunStream(bool* welcomed);
  std::shared_ptr<grpc::Channel> Dial() const;
  void WriteLoop(grpc::ClientReaderWriter<dm::v1::AgentMessage, dm::v1::ControllerMessage>* stream,
                 absl::Duration heartbeat_interval);
  void SleepUnlessStopped(absl::Duration d);
  // Queues a report of every check (a state changed, or the controller asked).
  void ReportHealth(const std::vector<health::CheckStatus>& all);

  const AgentIdentity identity_;
  const SessionOptions options_;
  const uint64_t epoch_;
  Outbox outbox_;
  // Runs the role's checks for as long as Run() runs, connected or not; its reports go to the
  // outbox like results, so a change during an outage arrives after it.
  health::HealthMonitor health_;
  CommandDispatcher dispatcher_;
  Backoff backoff_;

  std::mutex mu_;
  std::condition_variable stop_cv_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  grpc::ClientContext* active_context_ ABSL_GUARDED_BY(mu_) = nullptr;  // cancelled by Stop()
};

}  // namespace dm

#endif  // DM_AGENT_SESSION_SESSION_H_
