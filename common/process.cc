#include "common/process.h"

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "common/files.h"

extern char** environ;

namespace dm {
namespace {

[[noreturn]] void ChildFail(int report_fd, const char* what) {
  int err = errno;
  char msg[256];
  size_t n = 0;
  for (const char* p = what; *p && n < 200; ++p) msg[n++] = *p;
  msg[n++] = ':';
  msg[n++] = ' ';
  for (const char* p = strerror(err); *p && n < sizeof(msg); ++p) msg[n++] = *p;
  ssize_t ignored = ::write(report_fd, msg, n);
  (void)ignored;
  _exit(127);
}

}  // namespace

absl::StatusOr<PreparedCommand> PreparedCommand::Prepare(const ProcessSpec& spec) {
  if (spec.argv.empty()) return absl::InvalidArgumentError("empty command");
  PreparedCommand c;
  char buf[4096];
  std::string home;
  if (!spec.user.empty()) {
    struct passwd pw, *found = nullptr;
    if (getpwnam_r(spec.user.c_str(), &pw, buf, sizeof(buf), &found) != 0 || !found) {
      return absl::NotFoundError(absl::StrCat("no such user '", spec.user, "'"));
    }
    c.change_identity_ = true;
    c.uid_ = pw.pw_uid;
    c.gid_ = pw.pw_gid;
    c.user_name_ = pw.pw_name;
    home = pw.pw_dir;
  }
  if (!spec.group.empty()) {
    struct group gr, *found = nullptr;
    if (getgrnam_r(spec.group.c_str(), &gr, buf, sizeof(buf), &found) != 0 || !found) {
      return absl::NotFoundError(absl::StrCat("no such group '", spec.group, "'"));
    }
    if (!c.change_identity_) c.uid_ = ::getuid();
    c.change_identity_ = true;
    c.gid_ = gr.gr_gid;
  }
  c.cwd_ = spec.cwd;

  std::map<std::string, std::string> env;
  for (char** e = environ; *e; ++e) {
    const char* eq = std::strchr(*e, '=');
    if (eq) env[std::string(*e, static_cast<size_t>(eq - *e))] = eq + 1;
  }
  if (!c.user_name_.empty()) {
    env["USER"] = env["LOGNAME"] = c.user_name_;
    env["HOME"] = home;
  }
  if (env.find("PATH") == env.end())
    env["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  for (const auto& [k, v] : spec.env) env[k] = v;
  for (const auto& [k, v] : env) c.env_storage_.push_back(k + "=" + v);
  c.argv_storage_ = spec.argv;
  for (std::string& a : c.argv_storage_) c.argv_.push_back(a.data());
  c.argv_.push_back(nullptr);
  for (std::string& e : c.env_storage_) c.envp_.push_back(e.data());
  c.envp_.push_back(nullptr);
  return c;
}

void PreparedCommand::ExecInChild(int report_fd) const {
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);  // the agent blocks SIGTERM; its children must not
  ::signal(SIGPIPE, SIG_DFL);
  if (change_identity_) {
    if (!user_name_.empty() && ::initgroups(user_name_.c_str(), gid_) != 0)
      ChildFail(report_fd, "initgroups");
    if (user_name_.empty() && ::setgroups(0, nullptr) != 0) ChildFail(report_fd, "setgroups");
    if (::setgid(gid_) != 0) ChildFail(report_fd, "setgid");
    if (::setuid(uid_) != 0) ChildFail(report_fd, "setuid");
  }
  if (!cwd_.empty() && ::chdir(cwd_.c_str()) != 0) ChildFail(report_fd, "chdir");
  ::execvpe(argv_[0], argv_.data(), envp_.data());
  ChildFail(report_fd, "exec");
}

absl::StatusOr<std::string> RunChecked(const std::vector<std::string>& argv,
                                       absl::Duration timeout) {
  ProcessSpec spec;
  spec.argv = argv;
  spec.timeout = timeout;
  absl::StatusOr<ProcessResult> result = RunProcess(spec);
  if (!result.ok()) return result.status();
  if (!result->ok()) {
    return absl::AbortedError(
        absl::StrCat(absl::StrJoin(argv, " "), ": ", result->Describe(), ": ", result->output));
  }
  return result->output;
}

absl::Status SpawnDetached(const std::vector<std::string>& argv, const std::string& log_path,
                           const std::string& pid_file) {
  if (argv.empty()) return absl::InvalidArgumentError("empty command");
  // Everything the children use is made here: this process may have threads, so they may not
  // allocate.
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t first = ::fork();
  if (first < 0) return ErrnoStatus("fork", argv[0], errno);
  if (first == 0) {
    ::setsid();
    if (::fork() != 0) _exit(0);
    if (!pid_file.empty()) {
      char digits[24], text[24];
      int n = 0;
      for (pid_t v = ::getpid(); v > 0; v /= 10) digits[n++] = static_cast<char>('0' + v % 10);
      for (int i = 0; i < n; ++i) text[i] = digits[n - 1 - i];
      int fd = ::open(pid_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
      ssize_t ignored = ::write(fd, text, static_cast<size_t>(n));
      (void)ignored;
      ::close(fd);
    }
    ExecWithOutputTo(args.data(), ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600));
  }
  int status = 0;
  while (::waitpid(first, &status, 0) < 0 && errno == EINTR) {
  }
  return absl::OkStatus();
}

void ExecWithOutputTo(char* const* argv, int log_fd) {
  int null_fd = ::open("/dev/null", O_RDONLY);
  ::dup2(null_fd, 0);
  ::dup2(log_fd, 1);
  ::dup2(log_fd, 2);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  ::execvp(argv[0], argv);
  _exit(127);
}

std::vector<std::string> ShellCommand(const std::string& command) {
  return {"/bin/sh", "-c", command};
}

std::string ProcessResult::Describe() const {
  if (timed_out) return "timed out";
  if (signal != 0) return absl::StrCat("killed by signal ", signal);
  return absl::StrCat("exit code ", exit_code);
}

absl::StatusOr<ProcessResult> RunProcess(const ProcessSpec& spec) {
  absl::StatusOr<PreparedCommand> command = PreparedCommand::Prepare(spec);
  if (!command.ok()) return command.status();

  int out[2], report[2], in[2] = {-1, -1};
  if (::pipe2(out, O_CLOEXEC) != 0) return ErrnoStatus("pipe", "", errno);
  if (::pipe2(report, O_CLOEXEC) != 0) {
    ::close(out[0]), ::close(out[1]);
    return ErrnoStatus("pipe", "", errno);
  }
  if (spec.stdin_data && ::pipe2(in, O_CLOEXEC) != 0) {
    ::close(out[0]), ::close(out[1]), ::close(report[0]), ::close(report[1]);
    return ErrnoStatus("pipe", "", errno);
  }
  pid_t pid = ::fork();
  if (pid < 0) return ErrnoStatus("fork", "", errno);
  if (pid == 0) {
    ::setpgid(0, 0);
    int null_fd = ::open("/dev/null", O_RDONLY);
    ::dup2(spec.stdin_data ? in[0] : null_fd, 0);
    ::dup2(out[1], 1);
    ::dup2(out[1], 2);
    command->ExecInChild(report[1]);
  }
  ::close(out[1]);
  ::close(report[1]);
  if (spec.stdin_data) {
    ::close(in[0]);
    // Small inputs (package selections, keys): written before reading output.
    absl::Status ignored = WriteAll(in[1], *spec.stdin_data, "stdin");
    (void)ignored;
    ::close(in[1]);
  }

  ProcessResult result;
  absl::Time deadline = spec.timeout == absl::InfiniteDuration() ? absl::InfiniteFuture()
                                                                 : absl::Now() + spec.timeout;
  char buf[16384];
  for (;;) {
    int wait_ms = -1;
    if (deadline != absl::InfiniteFuture()) {
      wait_ms =
          static_cast<int>(std::max<int64_t>(0, absl::ToInt64Milliseconds(deadline - absl::Now())));
    }
    struct pollfd p = {out[0], POLLIN, 0};
    int ready = ::poll(&p, 1, wait_ms);
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) {
      result.timed_out = true;
      ::kill(-pid, SIGKILL);
      break;
    }
    ssize_t n = ::read(out[0], buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    result.output.append(buf, static_cast<size_t>(n));
    if (result.output.size() > 2 * kMaxOutput)
      result.output.erase(0, result.output.size() - kMaxOutput);
  }
  ::close(out[0]);
  if (result.output.size() > kMaxOutput) result.output.erase(0, result.output.size() - kMaxOutput);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  std::string failure;
  ssize_t n = ::read(report[0], buf, sizeof(buf));
  if (n > 0) failure.assign(buf, static_cast<size_t>(n));
  ::close(report[0]);
  if (!failure.empty()) {
    return absl::FailedPreconditionError(absl::StrCat("cannot run ", spec.argv[0], ": ", failure));
  }
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  return result;
}

pid_t RunningFromPidFile(const std::string& pid_file, const std::vector<std::string>& cmdline_has) {
  int pid = 0;
  if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(ReadFile(pid_file).value_or("")), &pid) ||
      pid <= 1)
    return 0;
  std::string cmdline = ReadFile(absl::StrCat("/proc/", pid, "/cmdline")).value_or("");
  std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
  for (const std::string& part : cmdline_has) {
    if (!absl::StrContains(cmdline, part)) return 0;
  }
  return pid;
}

}  // namespace dm
