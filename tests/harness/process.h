// Child processes for multi-process tests: the real dm-controller, dm-agent and dmctl binaries,
// with their output in files that tests read and that are kept when a test fails.
#ifndef DM_TESTS_HARNESS_PROCESS_H_
#define DM_TESTS_HARNESS_PROCESS_H_

#include <sys/types.h>

#include <functional>

#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace dm::testing {

// Where the binaries under test are: $DM_BIN_DIR (set by ctest) or ../bin next to the test.
std::string BinaryPath(const std::string& name);

// A running child. Killed (SIGKILL) on destruction if still running.
class Process {
 public:
  // Starts `argv` with stdout and stderr appended to `log_path`.
  Process(std::vector<std::string> argv, std::string log_path);
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  pid_t pid() const { return pid_; }
  const std::string& log_path() const { return log_path_; }
  std::string Log() const;

  // Sends `signal`. No-op once the process was reaped.
  void Signal(int signal);
  // Waits up to `timeout` for the process to exit. Its exit code (128+N for signal N), or -1 if
  // it is still running.
  int Wait(absl::Duration timeout);
  // SIGTERM, then SIGKILL if it has not exited within `grace`. Returns the exit code.
  int Stop(absl::Duration grace = absl::Seconds(10));
  bool Running();

  // Waits until the log contains `text`. false on timeout.
  bool WaitForLog(const std::string& text, absl::Duration timeout) const;

 private:
  pid_t pid_ = -1;
  int exit_code_ = -1;
  std::string log_path_;
};

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs `argv` to completion (killed after `timeout`) with extra environment `env` (KEY=VALUE).
CommandResult RunCommand(const std::vector<std::string>& argv,
                         absl::Duration timeout = absl::Seconds(60),
                         const std::vector<std::string>& env = {});

// Polls `condition` every 50 ms until it holds or `timeout` passes.
bool Eventually(const std::function<bool()>& condition, absl::Duration timeout);

}  // namespace dm::testing

#endif  // DM_TESTS_HARNESS_PROCESS_H_
