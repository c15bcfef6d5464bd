// A thin RAII layer over the SQLite C API: a connection and prepared statements whose failures
// come back as statuses naming the SQL that failed.
//
// Database is not thread-safe; its owner serializes access (SqliteStore holds a mutex).
#ifndef DM_COMMON_SQLITE_DATABASE_H_
#define DM_COMMON_SQLITE_DATABASE_H_

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace dm {

class Statement {
 public:
  Statement(Statement&&) = default;
  Statement& operator=(Statement&&) = default;

  // Makes the statement ready to run again with new bindings.
  void Reset();

  // Binds parameters by 1-based index. Chainable; the first failure is reported by Step().
  Statement& Bind(int index, const std::string& value);
  Statement& Bind(int index, int64_t value);
  Statement& BindBlob(int index, const std::string& bytes);

  // Advances one row. true: a row is ready to read; false: done. A constraint violation comes
  // back as AlreadyExists, a busy database as Unavailable.
  absl::StatusOr<bool> Step();
  // Runs a statement that returns no rows.
  absl::Status Run();

  std::string ColumnText(int index) const;
  std::string ColumnBlob(int index) const;
  int64_t ColumnInt(int index) const;

 private:
  friend class Database;
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt, sqlite3_finalize) {}
  void NoteBindResult(int rc);

  sqlite3* db_;
  std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> stmt_;
  int bind_error_ = SQLITE_OK;
};

class Database {
 public:
  // Opens (creating if needed) the database file at `path`, in WAL mode with full fsync, so that
  // a committed transaction survives a crash of the process or the machine.
  static absl::StatusOr<std::unique_ptr<Database>> Open(const std::string& path);
  ~Database();

  absl::StatusOr<Statement> Prepare(const std::string& sql);
  // Runs one or more statements with no parameters and no rows.
  absl::Status Exec(const std::string& sql);
  int64_t Changes() const;
  // The rowid of the latest INSERT on this connection.
  int64_t LastInsertRowId() const;

  const std::string& path() const { return path_; }

 private:
  Database(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  sqlite3* db_;
  std::string path_;
};

// Runs BEGIN IMMEDIATE now and ROLLBACK on destruction unless Commit() succeeded.
class Transaction {
 public:
  static absl::StatusOr<Transaction> Begin(Database* db);
  Transaction(Transaction&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();
  absl::Status Commit();

 private:
  explicit Transaction(Database* db) : db_(db) {}
  Database* db_;
};

}  // namespace dm

#endif  // DM_COMMON_SQLITE_DATABASE_H_
