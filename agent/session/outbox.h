// Messages from the agent that must reach the controller (command output and results), kept
// until the controller acknowledges them so that a dropped stream loses nothing: after a
// reconnect, everything after the controller's acknowledged sequence number is sent again.
//
// Thread-safe: commands push from their threads, the stream writer takes and the stream reader
// acknowledges.
#ifndef DM_AGENT_SESSION_OUTBOX_H_
#define DM_AGENT_SESSION_OUTBOX_H_

#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/time/time.h"
#include "dm/v1/agent.pb.h"

namespace dm {

class Outbox {
 public:
  // Unacknowledged output beyond this is dropped (results are always kept): a long outage must
  // not exhaust the host's memory.
  static constexpr size_t kMaxPendingOutputBytes = 32 << 20;

  // Numbers `message` and queues it. false if it is output and the outbox is full.
  bool Push(dm::v1::AgentMessage message);

  // The next message not yet written on the current stream, waiting up to `wait`. nullopt on
  // timeout or after Interrupt().
  std::optional<dm::v1::AgentMessage> NextToSend(absl::Duration wait);
  // Wakes a waiting NextToSend (the stream is ending).
  void Interrupt();

  // Drops every message up to and including `seq`: the controller has it.
  void Ack(uint64_t seq);
  // A new stream: the next NextToSend starts again from the oldest unacknowledged message.
  void RewindToUnacked();

  // Ids of commands whose result is queued and not yet acknowledged.
  std::vector<std::string> PendingResultIds() const;
  size_t pending() const;

 private:
  mutable std::mutex mu_;
  std::condition_variable ready_;
  std::deque<dm::v1::AgentMessage> queue_ ABSL_GUARDED_BY(mu_);  // unacknowledged, oldest first
  size_t next_to_send_ ABSL_GUARDED_BY(mu_) = 0;                 // index into queue_
  uint64_t last_seq_ ABSL_GUARDED_BY(mu_) = 0;
  size_t output_bytes_ ABSL_GUARDED_BY(mu_) = 0;
  bool interrupted_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace dm

#endif  // DM_AGENT_SESSION_OUTBOX_H_
