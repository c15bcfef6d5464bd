// Runs a command (a resource's, a guard, a host-management tool): output captured, a
// timeout, optionally as another user, in its own process group so that a timeout stops
// everything it started.
#ifndef DM_COMMON_PROCESS_H_
#define DM_COMMON_PROCESS_H_

#include <sys/types.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace dm {

struct ProcessSpec {
  std::vector<std::string> argv;           // argv[0] is looked up in PATH
  std::string cwd;                         // "" = inherit
  std::string user, group;                 // "" = as this process
  std::map<std::string, std::string> env;  // added to (or replacing in) this process's environment
  absl::Duration timeout = absl::InfiniteDuration();
  std::optional<std::string> stdin_data;  // default: /dev/null
};

struct ProcessResult {
  int exit_code = -1;  // -1 when killed by a signal
  int signal = 0;
  bool timed_out = false;
  std::string output;  // stdout and stderr interleaved, at most kMaxOutput bytes (the end is kept)

  bool ok() const { return exit_code == 0; }
  // "exit code 3", "killed by signal 9", "timed out after 10s"
  std::string Describe() const;
};

inline constexpr size_t kMaxOutput = 64 * 1024;

// Everything a forked child needs to become `spec`'s program, resolved before fork (after
// fork only async-signal-safe calls are allowed). Shared by RunProcess and the service
// supervisor.
class PreparedCommand {
 public:
  static absl::StatusOr<PreparedCommand> Prepare(const ProcessSpec& spec);
  PreparedCommand() = default;
  // Moves keep the strings' addresses (vectors move their buffers), so the pointer arrays stay
  // valid; copies would not.
  PreparedCommand(PreparedCommand&&) = default;
  PreparedCommand& operator=(PreparedCommand&&) = default;
  PreparedCommand(const PreparedCommand&) = delete;
  PreparedCommand& operator=(const PreparedCommand&) = delete;
  // In a forked child: clears the signal mask, switches user, changes directory and execs. On
  // failure writes why to `report_fd` and exits 127. Standard streams are the caller's job.
  [[noreturn]] void ExecInChild(int report_fd) const;

 private:
  bool change_identity_ = false;
  uid_t uid_ = 0;
  gid_t gid_ = 0;
  std::string user_name_, cwd_;
  std::vector<std::string> argv_storage_, env_storage_;
  std::vector<char*> argv_, envp_;  // into the storage, null-terminated: built before fork
};

// A command that cannot be started (no such program, no such user) is an error; one that runs
// and fails is a result with its exit code.
absl::StatusOr<ProcessResult> RunProcess(const ProcessSpec& spec);

// Runs a tool (argv, no shell) and returns what it printed; Aborted with the command, how it
// ended and its output when it does not exit 0.
absl::StatusOr<std::string> RunChecked(const std::vector<std::string>& argv,
                                       absl::Duration timeout = absl::Minutes(2));

// Starts `argv` (looked up in PATH) as a daemon: in a session of its own, a grandchild of this
// process (so nobody's child but init's: it outlives this process), stdin from /dev/null,
// stdout and stderr appended to `log_path`, signals unblocked. When `pid_file` is not empty, the
// daemon's pid is written there before it execs. Returns once it is started (not once it runs).
absl::Status SpawnDetached(const std::vector<std::string>& argv, const std::string& log_path,
                           const std::string& pid_file = "");

// In a freshly forked child (async-signal-safe only): stdin from /dev/null, stdout and stderr
// to `log_fd`, signals unblocked, then execs `argv` (null-terminated, looked up in PATH).
// Exits 127 if the exec fails. Shared by SpawnDetached and ChildProcess.
[[noreturn]] void ExecWithOutputTo(char* const* argv, int log_fd);

// The pid that `pid_file` names, while that process runs and its command line holds every one of
// `cmdline_has` (so that a pid reused by another program is not taken for it); 0 otherwise.
pid_t RunningFromPidFile(const std::string& pid_file, const std::vector<std::string>& cmdline_has);

// {"/bin/sh", "-c", command}
std::vector<std::string> ShellCommand(const std::string& command);

}  // namespace dm

#endif  // DM_COMMON_PROCESS_H_
