// One converge at a time on a host. Two runs side by side would both pass a guard and both act
// (two `createdb`s, the second failing on "already exists"), or interleave their writes to one
// file. That happens when a controller restarted mid-converge sends a new converge while the
// agent still runs the old one, or when an operator runs `dm-agent apply` beside the agent.
//
// The lock is flock(2) on STATE_DIR/converge.lock: released by the kernel when its holder exits
// or is killed, so a dead run never blocks the next. A run that changes the host holds it
// exclusively and writes its pid there; dry runs share it (they may run together, never beside
// a run that changes things).
#ifndef DM_AGENT_COOKBOOK_CONVERGE_LOCK_H_
#define DM_AGENT_COOKBOOK_CONVERGE_LOCK_H_

#include <atomic>
#include <functional>
#include <string>

#include "absl/status/statusor.h"

namespace dm::cookbook {

class ConvergeLock {
 public:
  // Takes the lock in `state_dir` (made, 0700, if missing). While another run holds it, calls
  // `on_wait` once with what the holder wrote ("pid 1234") and waits until it is free, or fails
  // with CANCELLED when `cancelled` (may be null) is set.
  static absl::StatusOr<ConvergeLock> Acquire(
      const std::string& state_dir, bool exclusive, const std::atomic<bool>* cancelled,
      const std::function<void(const std::string& holder)>& on_wait);

  ConvergeLock(ConvergeLock&& other) noexcept : fd_(other.fd_), exclusive_(other.exclusive_) {
    other.fd_ = -1;
  }
  ConvergeLock& operator=(ConvergeLock&& other) noexcept;
  ConvergeLock(const ConvergeLock&) = delete;
  ConvergeLock& operator=(const ConvergeLock&) = delete;
  ~ConvergeLock();

 private:
  ConvergeLock(int fd, bool exclusive) : fd_(fd), exclusive_(exclusive) {}
  int fd_;
  bool exclusive_;
};

}  // namespace dm::cookbook

#endif  // DM_AGENT_COOKBOOK_CONVERGE_LOCK_H_
