// The controller's state (agents, join tokens, revoked certificates, events, converge runs,
// servers, fleets) behind one interface, so that callers do not know whether it lives in SQLite
// (SqliteStore, the default) or, later, in etcd for a highly available controller.
//
// Implementations are thread-safe. Every method that returns OK has made its change durable.
#ifndef DM_CONTROLLER_STORE_STORE_H_
#define DM_CONTROLLER_STORE_STORE_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "controller/store/records.h"

namespace dm {

class Store {
 public:
  virtual ~Store() = default;

  // --- join tokens ---
  // AlreadyExists if the id is taken.
  virtual absl::Status InsertToken(const TokenRecord& token) = 0;
  // NotFound if there is no such token.
  virtual absl::StatusOr<TokenRecord> GetToken(const std::string& id) = 0;
  virtual absl::StatusOr<std::vector<TokenRecord>> ListTokens() = 0;
  // NotFound if there is no such token. Revoking twice keeps the first time.
  virtual absl::Status RevokeToken(const std::string& id, absl::Time at) = 0;

  // Atomically counts one use of `token` and adds `agent`, or does neither. The use is counted
  // only if the stored token still has `token.uses` uses and is not revoked (a compare-and-swap,
  // so that two agents racing for a token's last use cannot both win): Aborted otherwise.
  // AlreadyExists if an agent with that name is enrolled.
  virtual absl::Status CommitEnrollment(const TokenRecord& token, const AgentRecord& agent) = 0;

  // --- agents ---
  virtual absl::StatusOr<std::vector<AgentRecord>> ListAgents() = 0;
  // Deletes the agent and records its certificate serial as revoked. NotFound if unknown.
  virtual absl::Status RemoveAgent(const std::string& id, absl::Time at) = 0;
  // True if a certificate with `serial` was revoked.
  virtual absl::StatusOr<bool> IsCertificateRevoked(const std::string& serial) = 0;
  // Records the latest status of several agents in one durable write. Unknown ids are skipped
  // (the agent may have been removed meanwhile).
  virtual absl::Status RecordAgentStatus(const std::vector<AgentStatus>& updates) = 0;
  // Records an agent's latest health report. NotFound if unknown.
  virtual absl::Status RecordAgentHealth(const std::string& id,
                                         const dm::v1::HealthReport& health) = 0;

  // --- events ---
  // Keeps the newest events only (see the implementation's retention). Returns the event's seq.
  virtual absl::StatusOr<uint64_t> AppendEvent(const EventRecord& event) = 0;
  // Newest first; with query.after_seq, oldest first.
  virtual absl::StatusOr<std::vector<EventRecord>> ListEvents(const EventQuery& query) = 0;
  // Waits until an event after `seq` is appended, at most `timeout`. Returns the newest event's
  // seq this process knows of (0 before the first): followers wake on it instead of polling.
  virtual uint64_t WaitForEventAfter(uint64_t seq, absl::Duration timeout) = 0;

  // --- converge runs ---
  // Creates or replaces the run with `run.id` (a run is written when it starts and again when
  // it ends).
  virtual absl::Status SaveRun(const RunRecord& run) = 0;
  // NotFound if there is no such run.
  virtual absl::StatusOr<RunRecord> GetRun(const std::string& id) = 0;
  // Newest first, without report_json; only `agent_name`'s when it is not empty.
  virtual absl::StatusOr<std::vector<RunRecord>> ListRuns(const std::string& agent_name,
                                                          size_t limit) = 0;
  // Marks every run still "running" as "interrupted" (the controller restarted under it).
  // Returns how many.
  virtual absl::StatusOr<int64_t> InterruptRunningRuns(absl::Time at) = 0;

  // --- servers ---
  // Creates or replaces the server with `server.name`.
  virtual absl::Status SaveServer(const ServerRecord& server) = 0;
  // NotFound if there is no such server.
  virtual absl::StatusOr<ServerRecord> GetServer(const std::string& name) = 0;
  virtual absl::StatusOr<std::vector<ServerRecord>> ListServers() = 0;
  // NotFound if there is no such server.
  virtual absl::Status DeleteServer(const std::string& name) = 0;

  // --- fleets ---
  // Creates or replaces the fleet with `fleet.name`.
  virtual absl::Status SaveFleet(const FleetRecord& fleet) = 0;
  // NotFound if there is no such fleet.
  virtual absl::StatusOr<FleetRecord> GetFleet(const std::string& name) = 0;
  virtual absl::StatusOr<std::vector<FleetRecord>> ListFleets() = 0;
  // NotFound if there is no such fleet.
  virtual absl::Status DeleteFleet(const std::string& name) = 0;
};

}  // namespace dm

#endif  // DM_CONTROLLER_STORE_STORE_H_
