// A fleet's PostgreSQL database on its host, reached through the host's agent: dumped to bytes
// (pg_dump's custom format, without owners, so that it restores under any role), restored from
// them in one transaction (all or nothing), and its rows counted table by table (so that a move
// or a restore can show that nothing was lost).
#ifndef DM_CONTROLLER_FLEET_HOST_DATABASE_H_
#define DM_CONTROLLER_FLEET_HOST_DATABASE_H_

#include <cstdint>
#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "controller/agents/agent_directory.h"
#include "controller/commands/command_tracker.h"

namespace dm {

class HostDatabase {
 public:
  HostDatabase(AgentDirectory* directory, CommandTracker* tracker, std::string agent,
               std::string database, std::string owner)
      : directory_(directory),
        tracker_(tracker),
        agent_(std::move(agent)),
        database_(std::move(database)),
        owner_(std::move(owner)) {}

  absl::StatusOr<std::string> Dump();
  // Replaces the database's objects with the dump's, owned by the application's user.
  // The dump is moved, not copied, on its way to the agent.
  absl::Status Restore(std::string dump);
  // Rows of every table in the public schema, exactly (count(*), not statistics).
  absl::StatusOr<std::map<std::string, int64_t>> CountRows();

 private:
  // Runs argv as the postgres user; returns what it printed on stdout.
  absl::StatusOr<std::string> AsPostgres(std::vector<std::string> argv, std::string input = "");

  AgentDirectory* const directory_;
  CommandTracker* const tracker_;
  const std::string agent_, database_, owner_;
};

}  // namespace dm

#endif  // DM_CONTROLLER_FLEET_HOST_DATABASE_H_
