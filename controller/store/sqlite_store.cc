#include "controller/store/sqlite_store.h"

#include <sys/stat.h>

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/files.h"
#include "common/status_macros.h"
#include "nlohmann/json.hpp"

namespace dm {
namespace {

// Schema versions, applied in order; PRAGMA user_version records how many have run. Append only:
// a released step is never edited.
const char* const kMigrations[] = {
    R"sql(
CREATE TABLE tokens (
  id TEXT PRIMARY KEY,
  secret_hash TEXT NOT NULL,
  role TEXT NOT NULL,
  description TEXT NOT NULL,
  uses_allowed INTEGER NOT NULL,
  uses INTEGER NOT NULL,
  created_ms INTEGER NOT NULL,
  expires_ms INTEGER NOT NULL,
  revoked_ms INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE agents (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL,
  cert_serial TEXT NOT NULL,
  cert_expires_ms INTEGER NOT NULL,
  enrolled_ms INTEGER NOT NULL,
  token_id TEXT NOT NULL,
  last_seen_ms INTEGER NOT NULL DEFAULT 0,
  address TEXT NOT NULL DEFAULT '',
  version TEXT NOT NULL DEFAULT '',
  facts BLOB
);
CREATE TABLE revoked_certificates (
  serial TEXT PRIMARY KEY,
  agent_id TEXT NOT NULL,
  agent_name TEXT NOT NULL,
  revoked_ms INTEGER NOT NULL
);
CREATE TABLE events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  time_ms INTEGER NOT NULL,
  kind TEXT NOT NULL,
  subject TEXT NOT NULL,
  message TEXT NOT NULL
);
)sql",
    R"sql(
CREATE TABLE runs (
  id TEXT PRIMARY KEY,
  agent_id TEXT NOT NULL,
  agent_name TEXT NOT NULL,
  role TEXT NOT NULL,
  status TEXT NOT NULL,
  dry_run INTEGER NOT NULL,
  started_ms INTEGER NOT NULL,
  finished_ms INTEGER NOT NULL,
  bundle_hash TEXT NOT NULL,
  resources INTEGER NOT NULL,
  changed INTEGER NOT NULL,
  failed INTEGER NOT NULL,
  message TEXT NOT NULL,
  report_json TEXT NOT NULL
);
CREATE INDEX runs_by_agent ON runs (agent_name, started_ms);
CREATE INDEX runs_by_time ON runs (started_ms);
)sql",
    R"sql(
CREATE TABLE servers (
  name TEXT PRIMARY KEY,
  provider TEXT NOT NULL,
  role TEXT NOT NULL,
  bootstrap TEXT NOT NULL,
  bootstrap_message TEXT NOT NULL,
  created_ms INTEGER NOT NULL
);
)sql",
    R"sql(
ALTER TABLE servers ADD COLUMN fleet TEXT NOT NULL DEFAULT '';
CREATE TABLE fleets (
  name TEXT PRIMARY KEY,
  file_path TEXT NOT NULL,
  file_text TEXT NOT NULL,
  secrets_json TEXT NOT NULL,
  revision_commit TEXT NOT NULL,
  previous_commit TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL
);
)sql",
    R"sql(
ALTER TABLE fleets ADD COLUMN maintenance INTEGER NOT NULL DEFAULT 0;
)sql",
    R"sql(
ALTER TABLE servers ADD COLUMN agent_package TEXT NOT NULL DEFAULT '';
)sql",
    R"sql(
ALTER TABLE agents ADD COLUMN health BLOB;
ALTER TABLE events ADD COLUMN fleet TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN outcome TEXT NOT NULL DEFAULT '';
CREATE INDEX events_by_fleet ON events (fleet, seq);
ALTER TABLE fleets ADD COLUMN healing INTEGER NOT NULL DEFAULT 1;
ALTER TABLE fleets ADD COLUMN heal_state TEXT NOT NULL DEFAULT '{}';
)sql",
    R"sql(
ALTER TABLE servers ADD COLUMN ssh_host_key TEXT NOT NULL DEFAULT '';
)sql",
    R"sql(
ALTER TABLE fleets ADD COLUMN deploy_tree TEXT NOT NULL DEFAULT '';
ALTER TABLE fleets ADD COLUMN app_pushed INTEGER NOT NULL DEFAULT 0;
)sql",
};

// Times are stored as Unix milliseconds; 0 stands for "never" (absl::InfinitePast()).
int64_t ToMs(absl::Time t) { return t == absl::InfinitePast() ? 0 : absl::ToUnixMillis(t); }
absl::Time FromMs(int64_t ms) { return ms == 0 ? absl::InfinitePast() : absl::FromUnixMillis(ms); }

constexpr char kTokenColumns[] =
    "id, secret_hash, role, description, uses_allowed, uses, created_ms, expires_ms, revoked_ms";

TokenRecord ReadToken(const Statement& row) {
  TokenRecord t;
  t.id = row.ColumnText(0);
  t.secret_hash = row.ColumnText(1);
  t.role = row.ColumnText(2);
  t.description = row.ColumnText(3);
  t.uses_allowed = static_cast<uint32_t>(row.ColumnInt(4));
  t.uses = static_cast<uint32_t>(row.ColumnInt(5));
  t.created = FromMs(row.ColumnInt(6));
  t.expires = FromMs(row.ColumnInt(7));
  t.revoked = FromMs(row.ColumnInt(8));
  return t;
}

constexpr char kAgentColumns[] =
    "id, name, role, cert_serial, cert_expires_ms, enrolled_ms, token_id, last_seen_ms, address, "
    "version, facts, health";

AgentRecord ReadAgent(const Statement& row) {
  AgentRecord a;
  a.id = row.ColumnText(0);
  a.name = row.ColumnText(1);
  a.role = row.ColumnText(2);
  a.cert_serial = row.ColumnText(3);
  a.cert_expires = FromMs(row.ColumnInt(4));
  a.enrolled = FromMs(row.ColumnInt(5));
  a.token_id = row.ColumnText(6);
  a.last_seen = FromMs(row.ColumnInt(7));
  a.address = row.ColumnText(8);
  a.version = row.ColumnText(9);
  a.facts.ParseFromString(row.ColumnBlob(10));
  a.health.ParseFromString(row.ColumnBlob(11));
  return a;
}

constexpr char kRunColumns[] =
    "id, agent_id, agent_name, role, status, dry_run, started_ms, finished_ms, bundle_hash, "
    "resources, changed, "
    "failed, message";

RunRecord ReadRun(const Statement& row) {
  RunRecord r;
  r.id = row.ColumnText(0);
  r.agent_id = row.ColumnText(1);
  r.agent_name = row.ColumnText(2);
  r.role = row.ColumnText(3);
  // A word this controller does not know (a newer one's) reads as an error, never as success.
  r.status = RunStatusFromWord(row.ColumnText(4)).value_or(RunStatus::kError);
  r.dry_run = row.ColumnInt(5) != 0;
  r.started = FromMs(row.ColumnInt(6));
  r.finished = FromMs(row.ColumnInt(7));
  r.bundle_hash = row.ColumnText(8);
  r.resources = static_cast<uint32_t>(row.ColumnInt(9));
  r.changed = static_cast<uint32_t>(row.ColumnInt(10));
  r.failed = static_cast<uint32_t>(row.ColumnInt(11));
  r.message = row.ColumnText(12);
  return r;
}

}  // namespace

absl::StatusOr<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::string& path,
                                                               int64_t event_retention) {
  DM_ASSIGN_OR_RETURN(std::unique_ptr<Database> db, Database::Open(path));
  // Fleet secrets live here: readable by the controller's user only, whatever the umask.
  if (::chmod(path.c_str(), 0600) != 0) return ErrnoStatus("chmod", path, errno);
  std::unique_ptr<SqliteStore> store(new SqliteStore(std::move(db), event_retention));
  DM_RETURN_IF_ERROR(store->Migrate());
  DM_ASSIGN_OR_RETURN(std::vector<EventRecord> newest, store->ListEvents(EventQuery{1}));
  if (!newest.empty()) {
    std::lock_guard<std::mutex> lock(store->event_mu_);
    store->last_event_seq_ = newest.front().seq;
  }
  return store;
}

absl::Status SqliteStore::Migrate() {
  std::lock_guard<std::mutex> lock(mu_);
  DM_ASSIGN_OR_RETURN(Statement version_query, db_->Prepare("PRAGMA user_version"));
  DM_ASSIGN_OR_RETURN(bool has_row, version_query.Step());
  int64_t version = has_row ? version_query.ColumnInt(0) : 0;
  constexpr int64_t kLatest = sizeof(kMigrations) / sizeof(kMigrations[0]);
  if (version > kLatest) {
    return absl::FailedPreconditionError(absl::StrCat(
        "database ", db_->path(), " has schema version ", version, " but this controller knows ",
        kLatest, ": it was written by a newer dm-controller"));
  }
  for (int64_t v = version; v < kLatest; ++v) {
    DM_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(db_.get()));
    DM_RETURN_IF_ERROR(db_->Exec(kMigrations[v]));
    DM_RETURN_IF_ERROR(db_->Exec(absl::StrCat("PRAGMA user_version = ", v + 1)));
    DM_RETURN_IF_ERROR(tx.Commit());
  }
  return absl::OkStatus();
}

absl::Status SqliteStore::InsertToken(const TokenRecord& t) {
  std::lock_guard<std::mutex> lock(mu_);
  DM_ASSIGN_OR_RETURN(Statement insert,
                      db_->Prepare(absl::StrCat("INSERT INTO tokens (", kTokenColumns,
                                                ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")));
  insert.Bind(1, t.id).Bind(2, t.secret_hash).Bind(3, t.role).Bind(4, t.description);
  insert.Bind(5, int64_t{t.uses_allowed}).Bind(6, int64_t{t.uses});
  insert.Bind(7, ToMs(t.created)).Bind(8, ToMs(t.expires)).Bind(9, ToMs(t.revoked));
  return insert.Run();
}

absl::StatusOr<TokenRecord> SqliteStore::GetToken(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  DM_ASSIGN_OR_RETURN(Statement query, db_->Prepare(absl::StrCat("SELECT ", kTokenColumns,
                                                                 " FROM tokens WHERE id = ?")));
  query.Bind(1, id);
  DM_ASSIGN_OR_RETURN(bool found, query.Step());
  if (!found) return absl::NotFoundError(absl::StrCat("no join token with id ", id));
  return ReadToken(query);
}

absl::StatusOr<std::vector<TokenRecord>> SqliteStore::ListTokens() {
  std::lock_guard<std::mutex> lock(mu_);
  DM_ASSIGN_OR_RETURN(
      Statement query,
      db_->Prepare(absl::StrCat("SELECT ", kTokenColumns, " FROM tokens ORDER BY created_ms, id")));
  std::vector<TokenRecord> tokens;
  for (;;) {
    DM_ASSIGN_OR_RETURN(bool row, query.Step());
    if (!row) break;
    tokens.push_back(ReadToken(query));
  }
  return tokens;
}

absl::Status SqliteStore::RevokeToken(const std::string& id, absl::Time at) {
  std::lock_guard<std::mutex> lock(mu_);
  DM_ASSIGN_OR_RETURN(Statement update,
                      db_->Prepare("UPDATE tokens SET revoked_ms = CASE WHEN revoked_ms = 0 THEN ? "
                                   "ELSE revoked_ms END WHERE id = ?"));
  update.Bind(1, ToMs(at)).Bind(2, id);
  DM_RETURN_IF_ERROR(update.Run());
  if (db_->Changes() == 0) return absl::NotFoundError(absl::StrCat("no join token with id ", id));
  return absl::OkStatus();
}

absl::Status SqliteStore::CommitEnrollment(const TokenRecord& token, const AgentRecord& agent) {
  std::lock_guard<std::mutex> lock(mu_);
  DM_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(db_.get()));

  DM_ASSIGN_OR_RETURN(Statement use, db_->Prepare("UPDATE tokens SET uses = uses + 1 "
                                                  "WHERE id = ? AND uses = ? AND revoked_ms = 0"));
  use.Bind(1, token.id).Bind(2, int64_t{token.uses});
  DM_RETURN_IF_ERROR(use.Run());
  if (db_->Changes() != 1) {
    return absl::AbortedError(
        absl::StrCat("join token ", token.id, " was used or revoked during this enrollment"));
  }

  DM_ASSIGN_OR_RETURN(Statement insert,
                      db_->Prepare(absl::StrCat("INSERT INTO agents (", kAgentColumns,
                                                ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")));
  insert.Bind(1, agent.id).Bind(2, agent.name).Bind(3, agent.role).Bind(4, agent.cert_serial);
  insert.Bind(5, ToMs(agent.cert_expires)).Bind(6, ToMs(agent.enrolled)).Bind(7, agent.token_id);
  insert.Bind(8, ToMs(agent.last_seen)).Bind(9, agent.address).Bind(10, agent.version);
  insert.BindBlob(11, agent.facts.SerializeAsString());
  insert.BindBlob(12, agent.health.SerializeAsString());
  absl::Status inserted = insert.Run();
  if (absl::IsAlreadyExists(inserted)) {
    return absl::AlreadyExistsError(
        absl::StrCat("an agent named '", agent.name, "' is already enrolled"));
  }
  DM_RETURN_IF_ERROR(inserted);
  return tx.Commit();
}

absl::StatusOr<std::vector<AgentRecord>> SqliteStore::ListAgents() {
  std::lock_guard<std::mutex> lock(mu_);
  DM_ASSIGN_OR_RETURN(Statement query, db_->Prepare(absl::StrCat("SELECT ", kAgentColumns,
                                                                 " FROM agents ORDER BY name")));
  std::vector<AgentRecord> agents;
  for (;;) {
    DM_ASSIGN_OR_RETURN(bool row, query.Step());
    if (!row) break;
    agents.push_back(ReadAgent(query));
  }
  return agents;
}

absl::Status SqliteStore::RemoveAgent(const std::string& id, absl::Time at) {
  std::lock_guard<std::mutex> lock(mu_);
  DM_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(db_.get()));
  DM_ASSIGN_OR_RETURN(Statement revoke,
                      db_->Prepare("INSERT OR IGNORE INTO revoked_certificates "
                                   "(serial, agent_id, agent_name, revoked_ms) "
                                   "SELECT cert_serial, id, name, ? FROM agents WHERE id = ?"));
  revoke.Bind(1, ToMs(at)).Bind(2, id);
  DM_RETURN_IF_ERROR(revoke.Run());
  DM_ASSIGN_OR_RETURN(Statement remove, db_->Prepare("DELETE FROM agents WHERE id = ?"));
  remove.Bind(1, id);
  DM_RETURN_IF_ERROR(remove.Run());
  if (db_->Changes() == 0) return absl::NotFoundError(absl::StrCat("no agent with id ", id));
  return tx.Commit();
}

absl::StatusOr<bool> SqliteStore::IsCertificateRevoked(const std::string& serial) {
  std::lock_guard<std::mutex> lock(mu_);
  DM_ASSIGN_OR_RETURN(Statement query,
                      db_->Prepare("SELECT 1 FROM revoked_certificates WHERE serial = ?"));
  query.Bind(1, serial);
  return query.Step();
}

absl::Status SqliteStore::RecordAgentStatus(const std::vector<AgentStatus>& updates) {
  if (updates.empty()) return absl::OkStatus();
  std::lock_guard<std::mutex> lock(mu_);
  DM_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(db_.get()));
  DM_ASSIGN_OR_RETURN(Statement plain,
                      db_->Prepare("UPDATE agents SET last_seen_ms = ?, address = ?, version = ? "
                                   "WHERE id = ?"));
  DM_ASSIGN_OR_RETURN(Statement with_facts,
                      db_->Prepare("UPDATE agents SET last_seen_ms = ?, address = ?, version = ?, "
                                   "facts = ? WHERE id = ?"));
  for (const AgentStatus& u : updates) {
    Statement& s = u.has_facts ? with_facts : plain;
    s.Reset();
    s.Bind(1, ToMs(u.last_seen)).Bind(2, u.address).Bind(3, u.version);
    if (u.has_facts) {
      s.BindBlob(4, u.facts.SerializeAsString()).Bind(5, u.id);
    } else {
      s.Bind(4, u.id);
    }
    DM_RETURN_IF_ERROR(s.Run());
  }
  return tx.Commit();
}

absl::Status SqliteStore::RecordAgentHealth(const std::string& id,
                                            const dm::v1::HealthReport& health) {
  std::lock_guard<std::mutex> lock(mu_);
  DM_ASSIGN_OR_RETURN(Statement update, db_->Prepare("UPDATE agents SET health = ? WHERE id = ?"));
  update.BindBlob(1, health.SerializeAsString()).Bind(2, id);
  DM_RETURN_IF_ERROR(update.Run());
  if (db_->Changes() == 0) return absl::NotFoundError(absl::StrCat("no agent with id ", id));
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> SqliteStore::AppendEvent(const EventRecord& e) {
  std::lock_guard<std::mutex> lock(mu_);
  DM_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(db_.get()));
  DM_ASSIGN_OR_RETURN(
      Statement insert,
      db_->Prepare("INSERT INTO events (time_ms, kind, subject, message, fleet, outcome) "
                   "VALUES (?, ?, ?, ?, ?, ?)"));
  insert.Bind(1, ToMs(e.time)).Bind(2, e.kind).Bind(3, e.subject).Bind(4, e.message);
  insert.Bind(5, e.fleet).Bind(6, e.outcome);
  DM_RETURN_IF_ERROR(insert.Run());
  uint64_t seq = static_cast<uint64_t>(db_->LastInsertRowId());
  DM_ASSIGN_OR_RETURN(Statement prune, db_->Prepare("DELETE FROM events WHERE seq <= ?"));
  prune.Bind(1, static_cast<int64_t>(seq) - event_retention_);
  DM_RETURN_IF_ERROR(prune.Run());
  DM_RETURN_IF_ERROR(tx.Commit());
  {
    std::lock_guard<std::mutex> events(event_mu_);
    last_event_seq_ = std::max(last_event_seq_, seq);
  }
  event_appended_.notify_all();
  return seq;
}

uint64_t SqliteStore::WaitForEventAfter(uint64_t seq, absl::Duration timeout) {
  std::unique_lock<std::mutex> lock(event_mu_);
  event_appended_.wait_for(lock, absl::ToChronoNanoseconds(timeout),
                           [&] { return last_event_seq_ > seq; });
  return last_event_seq_;
}

absl::StatusOr<std::vector<EventRecord>> SqliteStore::ListEvents(const EventQuery& q) {
  std::lock_guard<std::mutex> lock(mu_);
  std::string sql =
      "SELECT seq, time_ms, kind, subject, message, fleet, outcome FROM events WHERE seq > ?";
  if (!q.fleet.empty()) sql += " AND fleet = ?";
  sql += q.after_seq > 0 ? " ORDER BY seq ASC LIMIT ?" : " ORDER BY seq DESC LIMIT ?";
  DM_ASSIGN_OR_RETURN(Statement query, db_->Prepare(sql));
  int i = 1;
  query.Bind(i++, static_cast<int64_t>(q.after_seq));
  if (!q.fleet.empty()) query.Bind(i++, q.fleet);
  query.Bind(i++, static_cast<int64_t>(q.limit));
  std::vector<EventRecord> events;
  for (;;) {
    DM_ASSIGN_OR_RETURN(bool row, query.Step());
    if (!row) break;
    EventRecord e;
    e.seq = static_cast<uint64_t>(query.ColumnInt(0));
    e.time = FromMs(query.ColumnInt(1));
    e.kind = query.ColumnText(2);
    e.subject = query.ColumnText(3);
    e.message = query.ColumnText(4);
    e.fleet = query.ColumnText(5);
    e.outcome = query.ColumnText(6);
    events.push_back(std::move(e));
  }
  return events;
}

absl::Status SqliteStore::SaveRun(const RunRecord& r) {
  std::lock_guard<std::mutex> lock(mu_);
  DM_ASSIGN_OR_RETURN(Statement upsert,
                      db_->Prepare(absl::StrCat(
                          "INSERT OR REPLACE INTO runs (", kRunColumns,
                          ", report_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")));
  upsert.Bind(1, r.id)
      .Bind(2, r.agent_id)
      .Bind(3, r.agent_name)
      .Bind(4, r.role)
      .Bind(5, RunStatusWord(r.status));
  upsert.Bind(6, static_cast<int64_t>(r.dry_run))
      .Bind(7, ToMs(r.started))
      .Bind(8, ToMs(r.finished));
  upsert.Bind(9, r.bundle_hash)
      .Bind(10, static_cast<int64_t>(r.resources))
      .Bind(11, static_cast<int64_t>(r.changed));
  upsert.Bind(12, static_cast<int64_t>(r.failed)).Bind(13, r.message).Bind(14, r.report_json);
  return upsert.Run();
}

absl::StatusOr<RunRecord> SqliteStore::GetRun(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  DM_ASSIGN_OR_RETURN(
      Statement query,
      db_->Prepare(absl::StrCat("SELECT ", kRunColumns, ", report_json FROM runs WHERE id = ?")));
  query.Bind(1, id);
  DM_ASSIGN_OR_RETURN(bool row, query.Step());
  if (!row) return absl::NotFoundError(absl::StrCat("no run '", id, "'"));
  RunRecord run = ReadRun(query);
  run.report_json = query.ColumnText(13);
  return run;
}

absl::StatusOr<std::vector<RunRecord>> SqliteStore::ListRuns(const std::string& agent_name,
                                                             size_t limit) {
  std::lock_guard<std::mutex> lock(mu_);
  std::string sql = absl::StrCat("SELECT ", kRunColumns, " FROM runs ",
                                 agent_name.empty() ? "" : "WHERE agent_name = ? ",
                                 "ORDER BY started_ms DESC, id DESC LIMIT ?");
  DM_ASSIGN_OR_RETURN(Statement query, db_->Prepare(sql));
  int next = 1;
  if (!agent_name.empty()) query.Bind(next++, agent_name);
  query.Bind(next, static_cast<int64_t>(limit));
  std::vector<RunRecord> runs;
  for (;;) {
    DM_ASSIGN_OR_RETURN(bool row, query.Step());
    if (!row) break;
    runs.push_back(ReadRun(query));
  }
  return runs;
}

absl::StatusOr<int64_t> SqliteStore::InterruptRunningRuns(absl::Time at) {
  std::lock_guard<std::mutex> lock(mu_);
  DM_ASSIGN_OR_RETURN(Statement update,
                      db_->Prepare(absl::StrCat(
                          "UPDATE runs SET status = '", RunStatusWord(RunStatus::kInterrupted),
                          "', finished_ms = ?, message = 'the controller restarted before the "
                          "agent reported' WHERE status = '",
                          RunStatusWord(RunStatus::kRunning), "'")));
  update.Bind(1, ToMs(at));
  DM_RETURN_IF_ERROR(update.Run());
  return db_->Changes();
}

absl::Status SqliteStore::SaveServer(const ServerRecord& s) {
  std::lock_guard<std::mutex> lock(mu_);
  DM_ASSIGN_OR_RETURN(
      Statement upsert,
      db_->Prepare("INSERT OR REPLACE INTO servers (name, provider, role, bootstrap, "
                   "bootstrap_message, created_ms, fleet, agent_package, ssh_host_key) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  upsert.Bind(1, s.name)
      .Bind(2, s.provider)
      .Bind(3, s.role)
      .Bind(4, BootstrapStateWord(s.bootstrap))
      .Bind(5, s.bootstrap_message);
  upsert.Bind(6, ToMs(s.created)).Bind(7, s.fleet).Bind(8, s.agent_package);
  upsert.Bind(9, s.ssh_host_key);
  return upsert.Run();
}

namespace {
constexpr char kServerColumns[] =
    "name, provider, role, bootstrap, bootstrap_message, created_ms, fleet, agent_package, "
    "ssh_host_key";
ServerRecord ReadServer(const Statement& row) {
  ServerRecord s;
  s.name = row.ColumnText(0);
  s.provider = row.ColumnText(1);
  s.role = row.ColumnText(2);
  // A word this controller does not know reads as failed: bootstrap runs again.
  s.bootstrap = BootstrapStateFromWord(row.ColumnText(3)).value_or(BootstrapState::kFailed);
  s.bootstrap_message = row.ColumnText(4);
  s.created = FromMs(row.ColumnInt(5));
  s.fleet = row.ColumnText(6);
  s.agent_package = row.ColumnText(7);
  s.ssh_host_key = row.ColumnText(8);
  return s;
}
}  // namespace

absl::StatusOr<ServerRecord> SqliteStore::GetServer(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  DM_ASSIGN_OR_RETURN(Statement query, db_->Prepare(absl::StrCat("SELECT ", kServerColumns,
                                                                 " FROM servers WHERE name = ?")));
  query.Bind(1, name);
  DM_ASSIGN_OR_RETURN(bool row, query.Step());
  if (!row) return absl::NotFoundError(absl::StrCat("no server '", name, "'"));
  return ReadServer(query);
}

absl::StatusOr<std::vector<ServerRecord>> SqliteStore::ListServers() {
  std::lock_guard<std::mutex> lock(mu_);
  DM_ASSIGN_OR_RETURN(Statement query, db_->Prepare(absl::StrCat("SELECT ", kServerColumns,
                                                                 " FROM servers ORDER BY name")));
  std::vector<ServerRecord> servers;
  for (;;) {
    DM_ASSIGN_OR_RETURN(bool row, query.Step());
    if (!row) break;
    servers.push_back(ReadServer(query));
  }
  return servers;
}

absl::Status SqliteStore::DeleteServer(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  DM_ASSIGN_OR_RETURN(Statement del, db_->Prepare("DELETE FROM servers WHERE name = ?"));
  del.Bind(1, name);
  DM_RETURN_IF_ERROR(del.Run());
  if (db_->Changes() == 0) return absl::NotFoundError(absl::StrCat("no server '", name, "'"));
  return absl::OkStatus();
}

absl::Status SqliteStore::SaveFleet(const FleetRecord& f) {
  std::lock_guard<std::mutex> lock(mu_);
  DM_ASSIGN_OR_RETURN(
      Statement upsert,
      db_->Prepare("INSERT OR REPLACE INTO fleets (name, file_path, file_text, secrets_json, "
                   "revision_commit, previous_commit, created_ms, updated_ms, maintenance, "
                   "healing, heal_state, deploy_tree, app_pushed) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  upsert.Bind(1, f.name)
      .Bind(2, f.file_path)
      .Bind(3, f.file_text)
      .Bind(4, f.secrets_json)
      .Bind(5, f.commit);
  upsert.Bind(6, f.previous_commit).Bind(7, ToMs(f.created)).Bind(8, ToMs(f.updated));
  upsert.Bind(9, static_cast<int64_t>(f.maintenance)).Bind(10, static_cast<int64_t>(f.healing));
  nlohmann::json heal = {{"out_of_service", f.out_of_service},
                         {"replacements", f.replacements},
                         {"healthy_commit", f.healthy_commit}};
  if (f.deployed_at != absl::InfinitePast()) heal["deployed_ms"] = ToMs(f.deployed_at);
  upsert.Bind(11, heal.dump()).Bind(12, f.deploy_tree);
  upsert.Bind(13, static_cast<int64_t>(f.app_pushed));
  return upsert.Run();
}

namespace {
constexpr char kFleetColumns[] =
    "name, file_path, file_text, secrets_json, revision_commit, previous_commit, created_ms, "
    "updated_ms, maintenance, healing, heal_state, deploy_tree, app_pushed";
FleetRecord ReadFleet(const Statement& row) {
  FleetRecord f;
  f.name = row.ColumnText(0);
  f.file_path = row.ColumnText(1);
  f.file_text = row.ColumnText(2);
  f.secrets_json = row.ColumnText(3);
  f.commit = row.ColumnText(4);
  f.previous_commit = row.ColumnText(5);
  f.created = FromMs(row.ColumnInt(6));
  f.updated = FromMs(row.ColumnInt(7));
  f.maintenance = row.ColumnInt(8) != 0;
  f.healing = row.ColumnInt(9) != 0;
  nlohmann::json heal = nlohmann::json::parse(row.ColumnText(10), nullptr, false);
  if (heal.is_object()) {
    f.out_of_service = heal.value("out_of_service", std::set<std::string>{});
    f.replacements = heal.value("replacements", std::map<std::string, std::string>{});
    f.healthy_commit = heal.value("healthy_commit", "");
    if (heal.contains("deployed_ms")) f.deployed_at = FromMs(heal.value("deployed_ms", int64_t{0}));
  }
  f.deploy_tree = row.ColumnText(11);
  f.app_pushed = row.ColumnInt(12) != 0;
  return f;
}
}  // namespace

absl::StatusOr<FleetRecord> SqliteStore::GetFleet(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  DM_ASSIGN_OR_RETURN(Statement query, db_->Prepare(absl::StrCat("SELECT ", kFleetColumns,
                                                                 " FROM fleets WHERE name = ?")));
  query.Bind(1, name);
  DM_ASSIGN_OR_RETURN(bool row, query.Step());
  if (!row) return absl::NotFoundError(absl::StrCat("no fleet '", name, "'"));
  return ReadFleet(query);
}

absl::StatusOr<std::vector<FleetRecord>> SqliteStore::ListFleets() {
  std::lock_guard<std::mutex> lock(mu_);
  DM_ASSIGN_OR_RETURN(Statement query, db_->Prepare(absl::StrCat("SELECT ", kFleetColumns,
                                                                 " FROM fleets ORDER BY name")));
  std::vector<FleetRecord> fleets;
  for (;;) {
    DM_ASSIGN_OR_RETURN(bool row, query.Step());
    if (!row) break;
    fleets.push_back(ReadFleet(query));
  }
  return fleets;
}

absl::Status SqliteStore::DeleteFleet(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  DM_ASSIGN_OR_RETURN(Statement del, db_->Prepare("DELETE FROM fleets WHERE name = ?"));
  del.Bind(1, name);
  DM_RETURN_IF_ERROR(del.Run());
  if (db_->Changes() == 0) return absl::NotFoundError(absl::StrCat("no fleet '", name, "'"));
  return absl::OkStatus();
}

}  // namespace dm
