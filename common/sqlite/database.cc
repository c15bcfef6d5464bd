#include "common/sqlite/database.h"

#include "absl/strings/str_cat.h"

namespace dm {
namespace {

absl::Status SqliteError(sqlite3* db, int rc, const std::string& what) {
  std::string message = absl::StrCat(what, ": ", db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
      return absl::AlreadyExistsError(message);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return absl::UnavailableError(message);
    case SQLITE_FULL:
      return absl::ResourceExhaustedError(message);
    default:
      return absl::InternalError(message);
  }
}

}  // namespace

void Statement::NoteBindResult(int rc) {
  if (rc != SQLITE_OK && bind_error_ == SQLITE_OK) bind_error_ = rc;
}

void Statement::Reset() {
  sqlite3_reset(stmt_.get());
  sqlite3_clear_bindings(stmt_.get());
  bind_error_ = SQLITE_OK;
}

Statement& Statement::Bind(int index, const std::string& value) {
  NoteBindResult(sqlite3_bind_text(stmt_.get(), index, value.data(), static_cast<int>(value.size()),
                                   SQLITE_TRANSIENT));
  return *this;
}

Statement& Statement::Bind(int index, int64_t value) {
  NoteBindResult(sqlite3_bind_int64(stmt_.get(), index, value));
  return *this;
}

Statement& Statement::BindBlob(int index, const std::string& bytes) {
  NoteBindResult(sqlite3_bind_blob(stmt_.get(), index, bytes.data(), static_cast<int>(bytes.size()),
                                   SQLITE_TRANSIENT));
  return *this;
}

absl::StatusOr<bool> Statement::Step() {
  if (bind_error_ != SQLITE_OK) {
    return SqliteError(db_, bind_error_, absl::StrCat("bind ", sqlite3_sql(stmt_.get())));
  }
  int rc = sqlite3_step(stmt_.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return SqliteError(db_, rc, sqlite3_sql(stmt_.get()));
}

absl::Status Statement::Run() {
  absl::StatusOr<bool> row = Step();
  return row.ok() ? absl::OkStatus() : row.status();
}

std::string Statement::ColumnText(int index) const {
  const unsigned char* text = sqlite3_column_text(stmt_.get(), index);
  int len = sqlite3_column_bytes(stmt_.get(), index);
  return text ? std::string(reinterpret_cast<const char*>(text), static_cast<size_t>(len)) : "";
}

std::string Statement::ColumnBlob(int index) const {
  const void* data = sqlite3_column_blob(stmt_.get(), index);
  int len = sqlite3_column_bytes(stmt_.get(), index);
  return data ? std::string(static_cast<const char*>(data), static_cast<size_t>(len)) : "";
}

int64_t Statement::ColumnInt(int index) const { return sqlite3_column_int64(stmt_.get(), index); }

absl::StatusOr<std::unique_ptr<Database>> Database::Open(const std::string& path) {
  sqlite3* raw = nullptr;
  int rc =
      sqlite3_open_v2(path.c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    absl::Status status = SqliteError(raw, rc, absl::StrCat("open database ", path));
    sqlite3_close(raw);
    return status;
  }
  std::unique_ptr<Database> db(new Database(raw, path));
  sqlite3_busy_timeout(raw, 5000);
  absl::Status status =
      db->Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;");
  if (!status.ok()) return status;
  return db;
}

Database::~Database() { sqlite3_close_v2(db_); }

absl::StatusOr<Statement> Database::Prepare(const std::string& sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql.c_str(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) return SqliteError(db_, rc, absl::StrCat("prepare ", sql));
  return Statement(db_, stmt);
}

absl::Status Database::Exec(const std::string& sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
  if (rc == SQLITE_OK) return absl::OkStatus();
  std::string detail = err ? err : sqlite3_errstr(rc);
  sqlite3_free(err);
  return SqliteError(nullptr, rc, absl::StrCat(sql, ": ", detail));
}

int64_t Database::Changes() const { return sqlite3_changes64(db_); }

int64_t Database::LastInsertRowId() const { return sqlite3_last_insert_rowid(db_); }

absl::StatusOr<Transaction> Transaction::Begin(Database* db) {
  absl::Status status = db->Exec("BEGIN IMMEDIATE");
  if (!status.ok()) return status;
  return Transaction(db);
}

Transaction::~Transaction() {
  if (db_ != nullptr) (void)db_->Exec("ROLLBACK");
}

absl::Status Transaction::Commit() {
  absl::Status status = db_->Exec("COMMIT");
  if (status.ok()) db_ = nullptr;
  return status;
}

}  // namespace dm
