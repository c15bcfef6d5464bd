#include "agent/cookbook/converge_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/files.h"

namespace dm::cookbook {
namespace {

// How often a waiting run looks at the lock (and at `cancelled`).
constexpr absl::Duration kPoll = absl::Milliseconds(100);

}  // namespace

absl::StatusOr<ConvergeLock> ConvergeLock::Acquire(
    const std::string& state_dir, bool exclusive, const std::atomic<bool>* cancelled,
    const std::function<void(const std::string& holder)>& on_wait) {
  // Made only when missing: an existing folder keeps its mode (an operator's --state-dir /tmp
  // must not become 0700).
  if (!PathExists(state_dir)) {
    if (absl::Status s = MakeDirectories(state_dir, 0700); !s.ok()) return s;
  }
  const std::string path = state_dir + "/converge.lock";
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return ErrnoStatus("open", path, errno);
  ConvergeLock lock(fd, exclusive);  // closes fd on every return below

  const int operation = exclusive ? LOCK_EX : LOCK_SH;
  bool told = false;
  while (::flock(fd, operation | LOCK_NB) != 0) {
    if (errno == EINTR) continue;
    if (errno != EWOULDBLOCK) return ErrnoStatus("lock", path, errno);
    if (!told && on_wait) {
      std::string holder = ReadFile(path, 256).value_or("");
      absl::StripAsciiWhitespace(&holder);
      on_wait(holder.empty() ? "a dry run" : holder);
      told = true;
    }
    if (cancelled != nullptr && *cancelled) {
      return absl::CancelledError("cancelled while waiting for the converge already running");
    }
    absl::SleepFor(kPoll);
  }
  if (exclusive) {
    // Who holds it, for the next run's message. Shared holders write nothing: there may be many.
    std::string holder = absl::StrCat("pid ", ::getpid(), "\n");
    if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, holder.data(), holder.size(), 0) < 0) {
      return ErrnoStatus("write", path, errno);
    }
  }
  return lock;
}

ConvergeLock& ConvergeLock::operator=(ConvergeLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    exclusive_ = other.exclusive_;
    other.fd_ = -1;
  }
  return *this;
}

ConvergeLock::~ConvergeLock() {
  if (fd_ < 0) return;
  // The pid leaves with its holder, so that a run waiting on a dry run later does not name a run
  // that has ended. Only the exclusive holder writes, and it still holds the lock here.
  if (exclusive_) (void)::ftruncate(fd_, 0);
  ::close(fd_);
}

}  // namespace dm::cookbook
