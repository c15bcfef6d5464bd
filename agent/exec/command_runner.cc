#include "agent/exec/command_runner.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

extern char** environ;

namespace dm {
namespace {

constexpr absl::Duration kKillGrace = absl::Seconds(5);

struct Pipe {
  int read = -1;
  int write = -1;
  bool Open() {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) return false;
    read = fds[0];
    write = fds[1];
    fcntl(read, F_SETFL, O_NONBLOCK);
    return true;
  }
  void CloseRead() {
    if (read >= 0) close(read);
    read = -1;
  }
  void CloseWrite() {
    if (write >= 0) close(write);
    write = -1;
  }
};

// The agent's environment with the command's additions; owned strings and the pointer array
// posix_spawn wants.
class Environment {
 public:
  explicit Environment(const google::protobuf::Map<std::string, std::string>& extra) {
    std::map<std::string, std::string> merged;
    for (char** e = environ; *e != nullptr; ++e) {
      std::string entry(*e);
      size_t eq = entry.find('=');
      if (eq != std::string::npos) merged[entry.substr(0, eq)] = entry.substr(eq + 1);
    }
    for (const auto& [k, v] : extra) merged[k] = v;
    for (const auto& [k, v] : merged) storage_.push_back(k + "=" + v);
    for (auto& s : storage_) pointers_.push_back(s.data());
    pointers_.push_back(nullptr);
  }
  char** get() { return pointers_.data(); }

 private:
  std::vector<std::string> storage_;
  std::vector<char*> pointers_;
};

// Reads what is available now from `fd` into chunks; false at end of file or error.
bool Drain(int fd, dm::v1::CommandOutput::Stream stream, const OutputHandler& on_output) {
  char buf[kMaxChunkBytes];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n > 0) {
      on_output(stream, std::string(buf, static_cast<size_t>(n)));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
  }
}

}  // namespace

dm::v1::CommandResult RunCommand(const dm::v1::ExecCommand& command, const OutputHandler& on_output,
                                 const std::atomic<bool>& cancelled, int input_fd) {
  dm::v1::CommandResult result;
  const absl::Time start = absl::Now();
  auto finish = [&](dm::v1::CommandResult r) {
    r.set_duration_ms(static_cast<uint64_t>(absl::ToInt64Milliseconds(absl::Now() - start)));
    return r;
  };
  if (command.argv_size() == 0) {
    result.set_exit_code(127);
    result.set_error("no program given");
    return finish(result);
  }

  Pipe out, err;
  if (!out.Open() || !err.Open()) {
    result.set_exit_code(127);
    result.set_error(absl::StrCat("cannot create pipes: ", std::strerror(errno)));
    out.CloseRead(), out.CloseWrite(), err.CloseRead(), err.CloseWrite();
    return finish(result);
  }

  // Input the controller sent (a database dump to restore, ...): held in an anonymous file, so
  // that the program reads it at its own pace and nothing is left on disk.
  int input = input_fd >= 0 ? ::dup(input_fd) : -1;  // the caller keeps its own
  if (input < 0 && !command.stdin_data().empty()) {
    input = ::memfd_create("dm-exec-stdin", MFD_CLOEXEC);
    const std::string& data = command.stdin_data();
    size_t written = 0;
    while (input >= 0 && written < data.size()) {
      ssize_t n = ::write(input, data.data() + written, data.size() - written);
      if (n <= 0) break;
      written += static_cast<size_t>(n);
    }
    if (input < 0 || written != data.size() || ::lseek(input, 0, SEEK_SET) != 0) {
      if (input >= 0) ::close(input);
      result.set_exit_code(127);
      result.set_error(absl::StrCat("cannot hold the command's input: ", std::strerror(errno)));
      out.CloseRead(), out.CloseWrite(), err.CloseRead(), err.CloseWrite();
      return finish(result);
    }
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (input >= 0) {
    posix_spawn_file_actions_adddup2(&actions, input, 0);
  } else {
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  }
  posix_spawn_file_actions_adddup2(&actions, out.write, 1);
  posix_spawn_file_actions_adddup2(&actions, err.write, 2);
  if (!command.cwd().empty()) posix_spawn_file_actions_addchdir_np(&actions, command.cwd().c_str());

  // The agent blocks and ignores some signals for itself; the program starts with defaults.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t empty, defaults;
  sigemptyset(&empty);
  sigemptyset(&defaults);
  for (int sig : {SIGPIPE, SIGTERM, SIGINT, SIGHUP}) sigaddset(&defaults, sig);
  posix_spawnattr_setsigmask(&attr, &empty);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setpgroup(&attr, 0);  // its own group: a stop reaches its children too
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  std::vector<char*> argv;
  for (const std::string& a : command.argv()) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  Environment env(command.env());

  pid_t pid = -1;
  int rc = posix_spawnp(&pid, argv[0], &actions, &attr, argv.data(), env.get());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (input >= 0) ::close(input);
  out.CloseWrite();
  err.CloseWrite();
  if (rc != 0) {
    out.CloseRead();
    err.CloseRead();
    result.set_exit_code(127);
    result.set_error(command.cwd().empty()
                         ? absl::StrCat("cannot run '", command.argv(0), "': ", std::strerror(rc))
                         : absl::StrCat("cannot run '", command.argv(0), "' in '", command.cwd(),
                                        "': ", std::strerror(rc)));
    return finish(result);
  }

  const absl::Time deadline = command.timeout_ms() > 0
                                  ? start + absl::Milliseconds(command.timeout_ms())
                                  : absl::InfiniteFuture();
  absl::Time kill_at = absl::InfiniteFuture();
  std::string stop_reason;
  int status = 0;
  bool exited = false;
  // A pidfd wakes the poll the moment the program exits; without one (kernels before 5.3) the
  // exit is noticed at the next 100 ms tick.
  int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  while (!exited) {
    pollfd fds[3] = {{out.read, POLLIN, 0}, {err.read, POLLIN, 0}, {pidfd, POLLIN, 0}};
    poll(fds, 3, 100);
    if (out.read >= 0 && !Drain(out.read, dm::v1::CommandOutput::STDOUT, on_output))
      out.CloseRead();
    if (err.read >= 0 && !Drain(err.read, dm::v1::CommandOutput::STDERR, on_output))
      err.CloseRead();

    exited = waitpid(pid, &status, WNOHANG) == pid;
    absl::Time now = absl::Now();
    if (!exited && stop_reason.empty() && (cancelled.load() || now >= deadline)) {
      stop_reason = cancelled.load()
                        ? "cancelled"
                        : absl::StrCat("timed out after ", absl::FormatDuration(now - start));
      kill(-pid, SIGTERM);
      kill_at = now + kKillGrace;
    }
    if (!exited && now >= kill_at) {
      kill(-pid, SIGKILL);
      kill_at = absl::InfiniteFuture();
    }
  }
  if (pidfd >= 0) close(pidfd);
  // What the program wrote just before it exited is still in the pipes. Background children
  // that inherited them may keep them open: take what is there now and stop.
  if (out.read >= 0) Drain(out.read, dm::v1::CommandOutput::STDOUT, on_output);
  if (err.read >= 0) Drain(err.read, dm::v1::CommandOutput::STDERR, on_output);
  out.CloseRead();
  err.CloseRead();

  if (WIFEXITED(status)) {
    result.set_exit_code(WEXITSTATUS(status));
  } else {
    result.set_exit_code(-1);
    if (WIFSIGNALED(status)) result.set_signal(WTERMSIG(status));
  }
  result.set_error(stop_reason);
  return finish(result);
}

}  // namespace dm
