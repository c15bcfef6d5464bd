#include "controller/fleet/host_database.h"

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/status_macros.h"
#include "controller/commands/remote_exec.h"

namespace dm {
namespace {

// One query, exact counts for every table: query_to_xml runs a count(*) per table.
constexpr char kCountRows[] =
    "SELECT table_name, (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM "
    "%I.%I', "
    "table_schema, table_name), false, true, '')))[1]::text FROM information_schema.tables "
    "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name";

}  // namespace

absl::StatusOr<std::string> HostDatabase::AsPostgres(std::vector<std::string> argv,
                                                     std::string input) {
  dm::v1::ExecCommand command;
  for (const char* a : {"runuser", "-u", "postgres", "--"}) command.add_argv(a);
  for (const std::string& a : argv) command.add_argv(a);
  command.set_cwd("/");
  command.set_timeout_ms(30 * 60 * 1000);
  command.set_stdin_data(std::move(input));
  std::string out, err;
  DM_ASSIGN_OR_RETURN(dm::v1::CommandResult result,
                      RunOnAgent(directory_, tracker_, agent_, std::move(command),
                                 [&](const dm::v1::CommandOutput& o) {
                                   (o.stream() == dm::v1::CommandOutput::STDOUT ? out : err) +=
                                       o.data();
                                   return true;
                                 }));
  if (result.exit_code() != 0 || !result.error().empty()) {
    return absl::AbortedError(
        absl::StrCat(agent_, ": ", argv[0], " exited with ", result.exit_code(),
                     result.error().empty() ? "" : " (" + result.error() + ")", ": ",
                     absl::StripAsciiWhitespace(err.substr(0, 2000))));
  }
  return out;
}

absl::StatusOr<std::string> HostDatabase::Dump() {
  return AsPostgres(
      {"pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--", database_});
}

absl::Status HostDatabase::Restore(std::string dump) {
  return AsPostgres({"pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
                     "--single-transaction", "--exit-on-error", "--role=" + owner_,
                     "--dbname=" + database_},
                    std::move(dump))
      .status();
}

absl::StatusOr<std::map<std::string, int64_t>> HostDatabase::CountRows() {
  DM_ASSIGN_OR_RETURN(std::string out,
                      AsPostgres({"psql", "-X", "-q", "-At", "-F", "\t", "-v", "ON_ERROR_STOP=1",
                                  "-d", database_, "-c", kCountRows}));
  std::map<std::string, int64_t> rows;
  for (absl::string_view line : absl::StrSplit(out, '\n', absl::SkipEmpty())) {
    std::vector<std::string> fields = absl::StrSplit(line, '\t');
    int64_t n = 0;
    if (fields.size() == 2 && absl::SimpleAtoi(fields[1], &n)) rows[fields[0]] = n;
  }
  return rows;
}

}  // namespace dm
