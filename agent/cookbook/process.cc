#include "agent/cookbook/process.h"

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/files.h"

extern char** environ;

namespace dm::cookbook {
namespace {

struct Identity {
  bool change = false;
  uid_t uid = 0;
  gid_t gid = 0;
  std::string name, home;
};

absl::StatusOr<Identity> ResolveIdentity(const ProcessSpec& spec) {
  Identity id;
  char buf[4096];
  if (!spec.user.empty()) {
    struct passwd pw, *found = nullptr;
    if (getpwnam_r(spec.user.c_str(), &pw, buf, sizeof(buf), &found) != 0 || !found) {
      return absl::NotFoundError(absl::StrCat("no such user '", spec.user, "'"));
    }
    id = {true, pw.pw_uid, pw.pw_gid, pw.pw_name, pw.pw_dir};
  }
  if (!spec.group.empty()) {
    struct group gr, *found = nullptr;
    if (getgrnam_r(spec.group.c_str(), &gr, buf, sizeof(buf), &found) != 0 || !found) {
      return absl::NotFoundError(absl::StrCat("no such group '", spec.group, "'"));
    }
    if (!id.change) id = {true, ::getuid(), gr.gr_gid, "", ""};
    id.gid = gr.gr_gid;
  }
  return id;
}

// Everything the child needs, prepared before fork: after fork only async-signal-safe calls.
struct ChildPlan {
  std::vector<std::string> env_storage;
  std::vector<char*> argv, envp;
};

ChildPlan Prepare(const ProcessSpec& spec, const Identity& id) {
  ChildPlan plan;
  std::map<std::string, std::string> env;
  for (char** e = environ; *e; ++e) {
    const char* eq = std::strchr(*e, '=');
    if (eq) env[std::string(*e, static_cast<size_t>(eq - *e))] = eq + 1;
  }
  if (id.change && !id.name.empty()) {
    env["USER"] = env["LOGNAME"] = id.name;
    env["HOME"] = id.home;
  }
  if (env.find("PATH") == env.end()) env["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  for (const auto& [k, v] : spec.env) env[k] = v;
  for (const auto& [k, v] : env) plan.env_storage.push_back(k + "=" + v);
  for (std::string& s : plan.env_storage) plan.envp.push_back(s.data());
  plan.envp.push_back(nullptr);
  for (const std::string& a : spec.argv) plan.argv.push_back(const_cast<char*>(a.c_str()));
  plan.argv.push_back(nullptr);
  return plan;
}

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

std::vector<std::string> ShellCommand(const std::string& command) { return {"/bin/sh", "-c", command}; }

std::string ProcessResult::Describe() const {
  if (timed_out) return "timed out";
  if (signal != 0) return absl::StrCat("killed by signal ", signal);
  return absl::StrCat("exit code ", exit_code);
}

absl::StatusOr<ProcessResult> RunProcess(const ProcessSpec& spec) {
  if (spec.argv.empty()) return absl::InvalidArgumentError("empty command");
  absl::StatusOr<Identity> id = ResolveIdentity(spec);
  if (!id.ok()) return id.status();
  ChildPlan plan = Prepare(spec, *id);

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
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);  // the agent blocks SIGTERM; its children must not
    ::signal(SIGPIPE, SIG_DFL);
    if (id->change) {
      if (!id->name.empty() && ::initgroups(id->name.c_str(), id->gid) != 0) ChildFail(report[1], "initgroups");
      if (id->name.empty() && ::setgroups(0, nullptr) != 0) ChildFail(report[1], "setgroups");
      if (::setgid(id->gid) != 0) ChildFail(report[1], "setgid");
      if (::setuid(id->uid) != 0) ChildFail(report[1], "setuid");
    }
    if (!spec.cwd.empty() && ::chdir(spec.cwd.c_str()) != 0) ChildFail(report[1], "chdir");
    ::execvpe(plan.argv[0], plan.argv.data(), plan.envp.data());
    ChildFail(report[1], "exec");
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
  absl::Time deadline = spec.timeout == absl::InfiniteDuration() ? absl::InfiniteFuture() : absl::Now() + spec.timeout;
  char buf[16384];
  for (;;) {
    int wait_ms = -1;
    if (deadline != absl::InfiniteFuture()) {
      wait_ms = static_cast<int>(std::max<int64_t>(0, absl::ToInt64Milliseconds(deadline - absl::Now())));
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
    if (result.output.size() > 2 * kMaxOutput) result.output.erase(0, result.output.size() - kMaxOutput);
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

}  // namespace dm::cookbook
