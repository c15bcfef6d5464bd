#include "controller/agents/agent_directory.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "controller/agents/peer_address.h"

namespace dm {

absl::Status AgentDirectory::Load() {
  DM_ASSIGN_OR_RETURN(std::vector<AgentRecord> records, store_->ListAgents());
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& record : records) {
    id_by_name_[record.name] = record.id;
    Entry& entry = agents_[record.id];
    entry.disconnected_since = record.last_seen;
    entry.record = std::move(record);
  }
  return absl::OkStatus();
}

void AgentDirectory::Add(const AgentRecord& record) {
  std::lock_guard<std::mutex> lock(mu_);
  id_by_name_[record.name] = record.id;
  agents_[record.id].record = record;
}

AgentView AgentDirectory::ViewOf(const Entry& entry) const {
  return AgentView{entry.record, entry.connection != nullptr, entry.disconnected_since};
}

std::string AgentDirectory::IdOf(const std::string& name) const {
  auto id = id_by_name_.find(name);
  return id == id_by_name_.end() ? "" : id->second;
}

absl::StatusOr<AgentView> AgentDirectory::Get(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = agents_.find(IdOf(name));
  if (it == agents_.end()) return absl::NotFoundError(absl::StrCat("no agent named '", name, "'"));
  return ViewOf(it->second);
}

std::vector<AgentView> AgentDirectory::List() const {
  std::vector<AgentView> views;
  {
    std::lock_guard<std::mutex> lock(mu_);
    views.reserve(agents_.size());
    for (const auto& [id, entry] : agents_) views.push_back(ViewOf(entry));
  }
  std::sort(views.begin(), views.end(),
            [](const AgentView& a, const AgentView& b) { return a.record.name < b.record.name; });
  return views;
}

absl::StatusOr<AgentRecord> AgentDirectory::Remove(const std::string& name) {
  std::shared_ptr<AgentConnection> connection;
  AgentRecord record;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = agents_.find(IdOf(name));
    if (it == agents_.end())
      return absl::NotFoundError(absl::StrCat("no agent named '", name, "'"));
    Entry* entry = &it->second;
    // Durable first: if the Store refuses, the agent stays as it was.
    DM_RETURN_IF_ERROR(store_->RemoveAgent(entry->record.id, clock_->Now()));
    record = entry->record;
    connection = std::move(entry->connection);
    if (connection) --connected_;
    agents_.erase(record.id);
    id_by_name_.erase(name);
  }
  if (connection) {
    connection->Close(grpc::Status(grpc::StatusCode::PERMISSION_DENIED,
                                   "this agent was removed and its certificate revoked"));
  }
  return record;
}

absl::StatusOr<AgentRecord> AgentDirectory::Authenticate(const std::string& agent_id,
                                                         const std::string& serial) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = agents_.find(agent_id);
  if (it == agents_.end()) {
    return absl::PermissionDeniedError(
        "this agent's certificate is revoked or unknown: the agent was removed from the fleet");
  }
  if (it->second.record.cert_serial != serial) {
    return absl::PermissionDeniedError("certificate is not the one this agent enrolled with");
  }
  if (clock_->Now() < it->second.barred_until) {
    return absl::ResourceExhaustedError(
        absl::StrCat("this agent broke the stream's rules and is kept out until ",
                     absl::FormatTime(it->second.barred_until, absl::UTCTimeZone())));
  }
  return it->second.record;
}

void AgentDirectory::Bar(const std::string& agent_id, absl::Time until) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = agents_.find(agent_id);
  if (it != agents_.end()) it->second.barred_until = std::max(it->second.barred_until, until);
}

ResumePoint AgentDirectory::Attach(const std::string& agent_id,
                                   std::shared_ptr<AgentConnection> connection,
                                   const dm::v1::Hello& hello) {
  std::shared_ptr<AgentConnection> replaced;
  ResumePoint resume;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = agents_.find(agent_id);
    if (it == agents_.end()) return resume;  // removed between Authenticate and Attach
    Entry& entry = it->second;
    replaced = std::move(entry.connection);
    if (!replaced) ++connected_;
    entry.connection = std::move(connection);
    entry.last_heard = clock_->Now();
    entry.record.last_seen = entry.last_heard;
    entry.record.address = HostOfPeer(entry.connection->peer());
    entry.record.version = hello.facts().agent_version();
    entry.record.facts = hello.facts();
    entry.status_dirty = entry.facts_dirty = true;
    if (hello.epoch() != entry.epoch) {
      entry.epoch = hello.epoch();
      entry.acked_seq = 0;
    }
    resume = ResumePoint{entry.acked_seq, entry.record.name};
  }
  if (replaced) {
    replaced->Close(
        grpc::Status(grpc::StatusCode::ABORTED, "replaced by a newer stream from the same agent"));
  }
  return resume;
}

void AgentDirectory::Detach(const std::string& agent_id, const AgentConnection* connection) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = agents_.find(agent_id);
  if (it == agents_.end() || it->second.connection.get() != connection) return;
  it->second.connection.reset();
  it->second.disconnected_since = clock_->Now();
  it->second.status_dirty = true;
  --connected_;
}

bool AgentDirectory::Heard(const std::string& agent_id, uint64_t seq, uint64_t* acked_seq) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = agents_.find(agent_id);
  if (it == agents_.end()) return false;
  Entry& entry = it->second;
  entry.last_heard = clock_->Now();
  entry.record.last_seen = entry.last_heard;
  entry.seen_dirty = true;
  bool fresh = seq == 0 || seq > entry.acked_seq;
  if (seq > entry.acked_seq) entry.acked_seq = seq;
  *acked_seq = entry.acked_seq;
  return fresh;
}

bool AgentDirectory::Send(const std::string& agent_id, const dm::v1::ControllerMessage& message) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = agents_.find(agent_id);
  if (it == agents_.end() || !it->second.connection) return false;
  return it->second.connection->Send(message);
}

std::vector<std::string> AgentDirectory::ExpireSilent() {
  std::vector<std::shared_ptr<AgentConnection>> to_close;
  std::vector<std::string> expired;
  {
    std::lock_guard<std::mutex> lock(mu_);
    absl::Time deadline = clock_->Now() - heartbeat_window_;
    for (auto& [id, entry] : agents_) {
      if (entry.connection && entry.last_heard < deadline) {
        to_close.push_back(std::move(entry.connection));
        // The resume grace counts from when the loss was noticed; last_seen keeps the last word.
        entry.disconnected_since = clock_->Now();
        entry.status_dirty = true;
        --connected_;
        expired.push_back(entry.record.name);
      }
    }
  }
  for (auto& connection : to_close) {
    connection->Close(
        grpc::Status(grpc::StatusCode::UNAVAILABLE, "no heartbeat within the window; reconnect"));
  }
  return expired;
}

bool AgentDirectory::DisconnectedLongerThan(const std::string& agent_id,
                                            absl::Duration grace) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = agents_.find(agent_id);
  if (it == agents_.end()) return true;
  return !it->second.connection && clock_->Now() - it->second.disconnected_since > grace;
}

std::vector<AgentStatus> AgentDirectory::TakeDirtyStatus(bool include_heartbeats) {
  std::vector<AgentStatus> out;
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [id, entry] : agents_) {
    if (!entry.status_dirty && !(include_heartbeats && entry.seen_dirty)) continue;
    AgentStatus status{
        id, entry.record.last_seen, entry.record.address, entry.record.version, entry.facts_dirty,
        {}};
    if (entry.facts_dirty) status.facts = entry.record.facts;
    out.push_back(std::move(status));
    entry.seen_dirty = entry.status_dirty = entry.facts_dirty = false;
  }
  return out;
}

void AgentDirectory::ReturnDirtyStatus(const std::vector<AgentStatus>& status) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const AgentStatus& s : status) {
    auto it = agents_.find(s.id);
    if (it == agents_.end()) continue;
    it->second.status_dirty = true;
    it->second.facts_dirty |= s.has_facts;
  }
}

void AgentDirectory::CloseAll(const grpc::Status& status) {
  std::vector<std::shared_ptr<AgentConnection>> connections;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& [id, entry] : agents_) {
      if (entry.connection) connections.push_back(entry.connection);
    }
  }
  for (auto& connection : connections) connection->Close(status);
}

size_t AgentDirectory::connected_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return connected_;
}

}  // namespace dm
