// The controller's in-memory view of every enrolled agent: its durable record (mirrored from the
// Store, which stays the source of truth) and its live state (stream, last seen, resume point).
//
// Liveness: an agent is connected while it has a stream and has been heard from within the
// heartbeat window. ExpireSilent() (called by AgentMaintenance every second) closes streams that
// went quiet, so a frozen agent or a half-open TCP connection does not look alive.
//
// Status such as last_seen changes on every heartbeat; it is kept here and written to the Store
// in batches (TakeDirtyStatus), not once per heartbeat.
//
// Thread-safe. Lock order: directory, then connection (see AgentConnection).
#ifndef DM_CONTROLLER_AGENTS_AGENT_DIRECTORY_H_
#define DM_CONTROLLER_AGENTS_AGENT_DIRECTORY_H_

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "controller/agents/agent_connection.h"
#include "controller/store/store.h"
#include "dm/v1/agent.pb.h"

namespace dm {

// A consistent copy of one agent's state.
struct AgentView {
  AgentRecord record;
  bool connected = false;
  absl::Time disconnected_since = absl::InfinitePast();  // when its stream was lost
};

// Where a resumed stream picks up: the agent re-sends what follows `acked_seq`.
struct ResumePoint {
  uint64_t acked_seq = 0;
  std::string agent_name;
};

class AgentDirectory {
 public:
  AgentDirectory(Store* store, Clock* clock, absl::Duration heartbeat_window)
      : store_(store), clock_(clock), heartbeat_window_(heartbeat_window) {}

  // Reads every agent from the Store; all start disconnected.
  absl::Status Load();

  // A freshly enrolled agent (already committed to the Store).
  void Add(const AgentRecord& record);

  // NotFound naming `name` if there is no such agent.
  absl::StatusOr<AgentView> Get(const std::string& name) const;
  // Every agent, sorted by name.
  std::vector<AgentView> List() const;

  // Removes the agent from the Store (revoking its certificate) and from here, and closes its
  // stream. NotFound if unknown.
  absl::StatusOr<AgentRecord> Remove(const std::string& name);

  // Admits a stream authenticated by a certificate with subject id `agent_id` and `serial`.
  // PermissionDenied if the agent was removed or the certificate is not the one it enrolled with;
  // ResourceExhausted while it is barred (Bar).
  absl::StatusOr<AgentRecord> Authenticate(const std::string& agent_id,
                                           const std::string& serial) const;

  // Keeps the agent out until `until`: Authenticate refuses its streams (ResourceExhausted) in
  // the meantime, and the agent retries later. For an agent that misbehaved (AgentSession).
  void Bar(const std::string& agent_id, absl::Time until);

  // Makes `connection` the agent's stream, closing any older one (an agent has at most one), and
  // records the facts of its Hello. The resume point continues the agent's sequence if the Hello
  // carries the same epoch as the previous stream.
  ResumePoint Attach(const std::string& agent_id, std::shared_ptr<AgentConnection> connection,
                     const dm::v1::Hello& hello);
  // Forgets `connection` if it is still the agent's stream.
  void Detach(const std::string& agent_id, const AgentConnection* connection);

  // Notes traffic from the agent now. For a sequenced message (seq > 0) answers whether it is
  // new; false means it was already received before a reconnect and must be ignored. Sets
  // `acked_seq` to the highest sequence number received in the agent's current epoch.
  bool Heard(const std::string& agent_id, uint64_t seq, uint64_t* acked_seq);

  // Sends to the agent's current stream. false if it has none.
  bool Send(const std::string& agent_id, const dm::v1::ControllerMessage& message);

  // Closes the streams of agents not heard from within the heartbeat window. Returns their names.
  std::vector<std::string> ExpireSilent();
  // Agents without a stream for longer than `grace`.
  bool DisconnectedLongerThan(const std::string& agent_id, absl::Duration grace) const;

  // Status changed since the last call, for Store::RecordAgentStatus. Agents whose only change
  // is a newer last_seen (heartbeats) are included only with `include_heartbeats`: rewriting
  // every agent's row every few seconds would cost more than that figure is worth.
  std::vector<AgentStatus> TakeDirtyStatus(bool include_heartbeats = true);
  // Puts back status that could not be written, so the next flush retries it.
  void ReturnDirtyStatus(const std::vector<AgentStatus>& status);

  // Ends every stream with `status` (controller shutdown).
  void CloseAll(const grpc::Status& status);

  size_t connected_count() const;

 private:
  struct Entry {
    AgentRecord record;
    std::shared_ptr<AgentConnection> connection;
    absl::Time last_heard = absl::InfinitePast();
    absl::Time disconnected_since = absl::InfinitePast();
    uint64_t epoch = 0;
    uint64_t acked_seq = 0;
    absl::Time barred_until = absl::InfinitePast();
    bool seen_dirty = false;    // last_seen moved (heartbeats)
    bool status_dirty = false;  // connected, disconnected or re-attached
    bool facts_dirty = false;
  };

  AgentView ViewOf(const Entry& entry) const;       // requires mu_
  std::string IdOf(const std::string& name) const;  // requires mu_; empty if unknown

  Store* const store_;
  Clock* const clock_;
  const absl::Duration heartbeat_window_;

  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> agents_ ABSL_GUARDED_BY(mu_);  // by id
  std::unordered_map<std::string, std::string> id_by_name_ ABSL_GUARDED_BY(mu_);
  size_t connected_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace dm

#endif  // DM_CONTROLLER_AGENTS_AGENT_DIRECTORY_H_
