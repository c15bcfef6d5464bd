// The controller's side of one agent's stream, apart from gRPC: what each message from an
// enrolled agent does, and the rules that keep a misbehaving agent from hurting the controller
// or the other agents. rpc/agent_stream_handler.cc feeds it from the gRPC stream; the tests and
// fuzz/agent_stream_fuzzer.cc feed it anything.
//
// The first message must be a Hello: the stream is attached to the AgentDirectory and answered
// with a Welcome. Then heartbeats, command output, progress and results (routed to the agent's own
// commands), blob requests (answered from the agent's own command's bundle or input) and health
// reports, each acknowledged by sequence number.
//
// An agent that breaks a rule (a message over the size limits, an answer to another agent's
// command, a request for blobs outside its command, a second Hello) has its stream ended, an
// "agent.misbehaved" event recorded, and is kept out for kBarredFor. One that only sends too much
// is slowed down instead: past kMessagesPerSecond its stream is read later (Verdict::wait), and
// gRPC's flow control holds the agent back. The limits are listed in docs/security.md.
//
// Not thread-safe: one stream's messages arrive one after another.
#ifndef DM_CONTROLLER_AGENTS_AGENT_SESSION_H_
#define DM_CONTROLLER_AGENTS_AGENT_SESSION_H_

#include <memory>
#include <string>

#include "absl/time/time.h"
#include "common/bundle/bundle.h"
#include "common/clock.h"
#include "controller/agents/agent_directory.h"
#include "controller/commands/command_tracker.h"
#include "controller/health/health_board.h"
#include "controller/store/audit_trail.h"

namespace dm {

// The rules of the stream, in numbers.
struct AgentStreamLimits {
  // Any one message. A converge's result carries its report with diffs, the largest thing an
  // agent sends; the server's own limit (64 MiB) is for the admin service's uploads.
  static constexpr size_t kMaxMessageBytes = 16 << 20;
  // One chunk of command output. The agent sends at most 32 KiB (exec/command_runner.h).
  static constexpr size_t kMaxOutputChunkBytes = 64 << 10;
  // Checks in one health report; each check's output is cut to kMaxCheckOutputBytes.
  static constexpr int kMaxChecksPerReport = 1000;
  static constexpr size_t kMaxCheckOutputBytes = 4096;
  // Messages per second, sustained and in a burst, before reading slows down. A busy agent sends
  // tens a second; a command printing as fast as it can, 32 KiB chunks at this rate, is 64 MB/s.
  static constexpr double kMessagesPerSecond = 2000;
  static constexpr double kMessageBurst = 4000;
  // How long a misbehaving agent is kept out.
  static constexpr absl::Duration kBarredFor = absl::Minutes(5);
};

// What the services an agent's messages go to. `health` may be null (the fleet benchmark):
// reports are then dropped. None is owned.
struct AgentSessionServices {
  AgentDirectory* directory = nullptr;
  CommandTracker* tracker = nullptr;
  BundleCache* bundles = nullptr;
  HealthBoard* health = nullptr;
  const AuditTrail* audit = nullptr;  // may be null: misbehaviour is then only logged
  Clock* clock = nullptr;
  absl::Duration heartbeat_interval = absl::Seconds(5);
};

class AgentSession {
 public:
  // What the stream does after a message.
  struct Verdict {
    bool end = false;  // end the stream with `status`
    grpc::Status status;
    absl::Duration wait;  // read the next message after this long (zero: at once)
  };

  // A stream authenticated as agent `agent_id`, enrolled as `agent_name`, writing through
  // `connection`.
  AgentSession(const AgentSessionServices& services, std::string agent_id, std::string agent_name,
               std::shared_ptr<AgentConnection> connection);

  Verdict OnMessage(const dm::v1::AgentMessage& message);
  // The stream ended (either side): detaches it from the directory.
  void OnStreamEnd();

  const std::string& name() const { return name_; }

 private:
  Verdict OnHello(const dm::v1::AgentMessage& message);
  Verdict OnSequenced(const dm::v1::AgentMessage& message);
  // Answers a blob request from the agent's own command's bundle or input. A rule broken
  // (another agent's command, a blob outside it) is returned as the reason; "" otherwise.
  std::string SendBlobs(const dm::v1::BlobRequest& request);
  void SendBlobsFrom(const std::map<std::string, std::string>& blobs,
                     const dm::v1::BlobRequest& request);
  // Ends the stream for a broken rule: logged, recorded as an event, the agent kept out.
  Verdict Misbehaved(grpc::StatusCode code, const std::string& what);
  // Slows reading once the agent sends faster than the limits allow.
  absl::Duration Throttle();

  const AgentSessionServices services_;
  const std::string agent_id_;
  const std::shared_ptr<AgentConnection> connection_;
  std::string name_;
  bool attached_ = false;
  uint64_t last_ack_sent_ = 0;
  // The rate limit's token bucket.
  double tokens_ = AgentStreamLimits::kMessageBurst;
  absl::Time tokens_at_ = absl::InfinitePast();
  bool throttled_once_ = false;
  bool unknown_kind_logged_ = false;
};

}  // namespace dm

#endif  // DM_CONTROLLER_AGENTS_AGENT_SESSION_H_
