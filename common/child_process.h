// A helper daemon the controller runs for as long as it runs (PowerDNS, git daemon): started as
// its child, stopped with it. PR_SET_PDEATHSIG sends it SIGTERM even when the controller is
// killed with -9, so that a restart finds its ports free; that signal follows the *thread*
// that started it, so start children from a thread that lives as long as the process (main).
#ifndef DM_COMMON_CHILD_PROCESS_H_
#define DM_COMMON_CHILD_PROCESS_H_

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace dm {

class ChildProcess {
 public:
  // Starts `argv` (looked up in PATH) with stdin from /dev/null and its output appended to
  // `log_path`.
  static absl::StatusOr<std::unique_ptr<ChildProcess>> Start(const std::vector<std::string>& argv,
                                                             const std::string& log_path);
  // Stop().
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  // False once it has exited (and reaps it).
  bool Running();
  // SIGTERM, then SIGKILL after `grace`; waits for it. Idempotent.
  void Stop(absl::Duration grace = absl::Seconds(5));

 private:
  explicit ChildProcess(pid_t pid) : pid_(pid) {}
  pid_t pid_;
  bool reaped_ = false;
};

}  // namespace dm

#endif  // DM_COMMON_CHILD_PROCESS_H_
