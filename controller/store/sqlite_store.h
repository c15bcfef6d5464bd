// Store backed by one SQLite file (WAL mode, fsync on commit). The embedded default.
#ifndef DM_CONTROLLER_STORE_SQLITE_STORE_H_
#define DM_CONTROLLER_STORE_SQLITE_STORE_H_

#include <condition_variable>
#include <memory>
#include <mutex>

#include "absl/base/thread_annotations.h"
#include "common/sqlite/database.h"
#include "controller/store/store.h"

namespace dm {

class SqliteStore : public Store {
 public:
  // How many events are kept by default; older ones are dropped as new ones arrive.
  static constexpr int64_t kDefaultEventRetention = 10000;

  // Opens or creates the database at `path` and brings its schema up to date. FailedPrecondition
  // if the file was written by a newer schema.
  static absl::StatusOr<std::unique_ptr<SqliteStore>> Open(
      const std::string& path, int64_t event_retention = kDefaultEventRetention);

  absl::Status InsertToken(const TokenRecord& token) override;
  absl::StatusOr<TokenRecord> GetToken(const std::string& id) override;
  absl::StatusOr<std::vector<TokenRecord>> ListTokens() override;
  absl::Status RevokeToken(const std::string& id, absl::Time at) override;
  absl::Status CommitEnrollment(const TokenRecord& token, const AgentRecord& agent) override;

  absl::StatusOr<std::vector<AgentRecord>> ListAgents() override;
  absl::Status RemoveAgent(const std::string& id, absl::Time at) override;
  absl::StatusOr<bool> IsCertificateRevoked(const std::string& serial) override;
  absl::Status RecordAgentStatus(const std::vector<AgentStatus>& updates) override;
  absl::Status RecordAgentHealth(const std::string& id,
                                 const dm::v1::HealthReport& health) override;

  absl::StatusOr<uint64_t> AppendEvent(const EventRecord& event) override;
  absl::StatusOr<std::vector<EventRecord>> ListEvents(const EventQuery& query) override;
  uint64_t WaitForEventAfter(uint64_t seq, absl::Duration timeout) override;

  absl::Status SaveRun(const RunRecord& run) override;
  absl::StatusOr<RunRecord> GetRun(const std::string& id) override;
  absl::StatusOr<std::vector<RunRecord>> ListRuns(const std::string& agent_name,
                                                  size_t limit) override;
  absl::StatusOr<int64_t> InterruptRunningRuns(absl::Time at) override;

  absl::Status SaveServer(const ServerRecord& server) override;
  absl::StatusOr<ServerRecord> GetServer(const std::string& name) override;
  absl::StatusOr<std::vector<ServerRecord>> ListServers() override;
  absl::Status DeleteServer(const std::string& name) override;
  absl::Status SaveFleet(const FleetRecord& fleet) override;
  absl::StatusOr<FleetRecord> GetFleet(const std::string& name) override;
  absl::StatusOr<std::vector<FleetRecord>> ListFleets() override;
  absl::Status DeleteFleet(const std::string& name) override;

 private:
  SqliteStore(std::unique_ptr<Database> db, int64_t event_retention)
      : event_retention_(event_retention), db_(std::move(db)) {}
  absl::Status Migrate();

  const int64_t event_retention_;

  std::mutex mu_;
  std::unique_ptr<Database> db_ ABSL_GUARDED_BY(mu_);

  // The newest event's seq, for followers (WaitForEventAfter).
  std::mutex event_mu_;
  std::condition_variable event_appended_;
  uint64_t last_event_seq_ ABSL_GUARDED_BY(event_mu_) = 0;
};

}  // namespace dm

#endif  // DM_CONTROLLER_STORE_SQLITE_STORE_H_
