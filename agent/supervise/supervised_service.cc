#include "agent/supervise/supervised_service.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "common/files.h"
#include "common/process.h"
#include "nlohmann/json.hpp"

namespace dm {
namespace {

bool Alive(pid_t pid) { return pid > 0 && (::kill(pid, 0) == 0 || errno == EPERM); }

// A note in supervisor.log (the supervisor's stdout), with a timestamp.
void Note(const std::string& text) {
  std::string stamp = absl::FormatTime("%Y-%m-%dT%H:%M:%S", absl::Now(), absl::LocalTimeZone());
  std::fprintf(stdout, "%s %s\n", stamp.c_str(), text.c_str());
  std::fflush(stdout);
}

}  // namespace

std::string ServiceSpec::ToJson() const {
  return nlohmann::json{
      {"argv", argv}, {"user", user}, {"cwd", cwd}, {"env", env}, {"reload_signal", reload_signal}}
      .dump();
}

absl::StatusOr<ServiceSpec> ServiceSpec::FromJson(const std::string& text) {
  try {
    nlohmann::json j = nlohmann::json::parse(text);
    ServiceSpec spec;
    spec.argv = j.at("argv").get<std::vector<std::string>>();
    spec.user = j.value("user", "");
    spec.cwd = j.value("cwd", "");
    spec.env = j.value("env", std::map<std::string, std::string>{});
    spec.reload_signal = j.value("reload_signal", 1);
    if (spec.argv.empty()) return absl::InvalidArgumentError("service.json: empty argv");
    return spec;
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(absl::StrCat("service.json: ", e.what()));
  }
}

SupervisedService::SupervisedService(std::string state_dir, std::string name,
                                     std::string agent_binary)
    : dir_(absl::StrCat(state_dir, "/services/", name)),
      name_(std::move(name)),
      agent_binary_(std::move(agent_binary)) {}

pid_t SupervisedService::ReadPid(const std::string& file) const {
  absl::StatusOr<std::string> text = ReadFile(dir_ + "/" + file);
  int pid = 0;
  if (!text.ok() || !absl::SimpleAtoi(absl::StripAsciiWhitespace(*text), &pid)) return 0;
  return pid;
}

bool SupervisedService::Running() const {
  pid_t pid = ReadPid("supervisor.pid");
  if (!Alive(pid)) return false;
  // A reused pid is not our supervisor.
  absl::StatusOr<std::string> cmdline = ReadFile(absl::StrCat("/proc/", pid, "/cmdline"));
  return cmdline.ok() && absl::StrContains(*cmdline, std::string("supervise\0", 10) + dir_);
}

bool SupervisedService::Enabled() const { return PathExists(dir_ + "/enabled"); }

absl::StatusOr<ServiceSpec> SupervisedService::StoredSpec() const {
  absl::StatusOr<std::string> text = ReadFile(dir_ + "/service.json");
  if (!text.ok()) return text.status();
  return ServiceSpec::FromJson(*text);
}

std::string SupervisedService::OutputTail(size_t bytes) const {
  std::string out = ReadFile(dir_ + "/output.log").value_or("");
  return out.size() > bytes ? out.substr(out.size() - bytes) : out;
}

absl::Status SupervisedService::Start(const ServiceSpec& spec) {
  if (absl::Status s = MakeDirectories(dir_, 0700); !s.ok()) return s;
  if (absl::Status s = WriteFileAtomic(dir_ + "/service.json", spec.ToJson(), 0600); !s.ok())
    return s;
  ::unlink((dir_ + "/main.pid").c_str());
  // What the supervisor notes from here on tells whether the service died at once.
  const size_t log_offset = ReadFile(dir_ + "/supervisor.log").value_or("").size();
  // Detached, so that the supervisor outlives whoever started it (the agent may restart).
  if (absl::Status s = SpawnDetached({agent_binary_, "supervise", dir_}, dir_ + "/supervisor.log");
      !s.ok())
    return s;

  // Up when the service's process exists and is still there a moment later; down as soon as
  // the supervisor notes an exit.
  auto exited = [&] {
    std::string log = ReadFile(dir_ + "/supervisor.log").value_or("");
    return log.size() > log_offset && log.find("exited (", log_offset) != std::string::npos;
  };
  absl::Time deadline = absl::Now() + absl::Seconds(5);
  pid_t main = 0;
  while (absl::Now() < deadline && !(main = ReadPid("main.pid")) && !exited())
    absl::SleepFor(absl::Milliseconds(10));
  if (main != 0) {
    absl::Time settled = absl::Now() + absl::Milliseconds(300);
    while (absl::Now() < settled && !exited()) absl::SleepFor(absl::Milliseconds(10));
    if (!exited() && Alive(main) && ReadPid("main.pid") == main) return absl::OkStatus();
  }
  std::string output = OutputTail();
  std::string supervisor_log = ReadFile(dir_ + "/supervisor.log").value_or("");
  absl::Status stopped = Stop(absl::Seconds(2));
  (void)stopped;
  return absl::AbortedError(absl::StrCat(name_, " did not stay up after start",
                                         output.empty() ? "" : "; its output ends:\n", output,
                                         main == 0 ? "\nsupervisor: " + supervisor_log : ""));
}

absl::Status SupervisedService::Stop(absl::Duration grace) {
  pid_t pid = ReadPid("supervisor.pid");
  if (!Running()) {
    ::unlink((dir_ + "/supervisor.pid").c_str());
    ::unlink((dir_ + "/main.pid").c_str());
    return absl::OkStatus();
  }
  ::kill(pid, SIGTERM);
  absl::Time deadline = absl::Now() + grace + absl::Seconds(2);
  while (Alive(pid) && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(10));
  if (Alive(pid)) {
    pid_t main = ReadPid("main.pid");
    if (main > 0) ::kill(-main, SIGKILL);
    ::kill(pid, SIGKILL);
  }
  ::unlink((dir_ + "/supervisor.pid").c_str());
  ::unlink((dir_ + "/main.pid").c_str());
  return absl::OkStatus();
}

absl::Status SupervisedService::Reload() {
  if (!Running()) return absl::FailedPreconditionError(absl::StrCat(name_, " is not running"));
  if (::kill(ReadPid("supervisor.pid"), SIGHUP) != 0) return ErrnoStatus("signal", name_, errno);
  return absl::OkStatus();
}

absl::Status SupervisedService::Enable(const ServiceSpec& spec) {
  if (absl::Status s = MakeDirectories(dir_, 0700); !s.ok()) return s;
  if (absl::Status s = WriteFileAtomic(dir_ + "/service.json", spec.ToJson(), 0600); !s.ok())
    return s;
  return WriteFileAtomic(dir_ + "/enabled", "", 0600);
}

absl::Status SupervisedService::Disable() {
  if (::unlink((dir_ + "/enabled").c_str()) != 0 && errno != ENOENT)
    return ErrnoStatus("disable", name_, errno);
  return absl::OkStatus();
}

void StartEnabledServices(const std::string& state_dir, const std::string& agent_binary) {
  std::string root = state_dir + "/services";
  DIR* d = ::opendir(root.c_str());
  if (d == nullptr) return;
  std::vector<std::string> names;
  while (struct dirent* e = ::readdir(d)) {
    if (e->d_name[0] != '.') names.push_back(e->d_name);
  }
  ::closedir(d);
  for (const std::string& name : names) {
    SupervisedService service(state_dir, name, agent_binary);
    if (!service.Enabled() || service.Running()) continue;
    absl::StatusOr<ServiceSpec> spec = service.StoredSpec();
    absl::Status started = spec.ok() ? service.Start(*spec) : spec.status();
    std::fprintf(stderr, "dm-agent: starting enabled service %s: %s\n", name.c_str(),
                 started.ok() ? "ok" : std::string(started.message()).c_str());
  }
}

int RunSupervisor(const std::string& dir) {
  absl::StatusOr<std::string> text = ReadFile(dir + "/service.json");
  absl::StatusOr<ServiceSpec> spec = text.ok() ? ServiceSpec::FromJson(*text) : text.status();
  if (!spec.ok()) {
    Note(absl::StrCat("cannot supervise: ", spec.status().message()));
    return 1;
  }
  // One supervisor per service: the lock is held for the supervisor's life.
  int lock = ::open((dir + "/lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock < 0 || ::flock(lock, LOCK_EX | LOCK_NB) != 0) {
    Note("another supervisor runs this service");
    return 1;
  }
  ProcessSpec process;
  process.argv = spec->argv;
  process.user = spec->user;
  process.cwd = spec->cwd;
  process.env = spec->env;
  absl::StatusOr<PreparedCommand> command = PreparedCommand::Prepare(process);
  if (!command.ok()) {
    Note(absl::StrCat("cannot supervise: ", command.status().message()));
    return 1;
  }
  if (absl::Status s =
          WriteFileAtomic(dir + "/supervisor.pid", absl::StrCat(::getpid(), "\n"), 0600);
      !s.ok()) {
    Note(std::string(s.message()));
    return 1;
  }

  sigset_t handled;
  sigemptyset(&handled);
  for (int s : {SIGTERM, SIGINT, SIGHUP, SIGCHLD}) sigaddset(&handled, s);
  ::sigprocmask(SIG_BLOCK, &handled, nullptr);

  absl::Duration backoff = absl::Seconds(1);
  pid_t child = 0;
  absl::Time started = absl::InfinitePast();
  absl::Time restart_at = absl::Now();
  bool stopping = false;
  absl::Time kill_at = absl::InfiniteFuture();
  const std::string output_path = dir + "/output.log";
  for (;;) {
    if (child == 0 && !stopping && absl::Now() >= restart_at) {
      child = ::fork();
      if (child == 0) {
        ::setpgid(0, 0);
        int null_fd = ::open("/dev/null", O_RDONLY);
        int out = ::open(output_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0640);
        ::dup2(null_fd, 0);
        ::dup2(out, 1);
        ::dup2(out, 2);
        command->ExecInChild(2);
      }
      ::setpgid(child, child);
      started = absl::Now();
      absl::Status written = WriteFileAtomic(dir + "/main.pid", absl::StrCat(child, "\n"), 0600);
      (void)written;
      Note(absl::StrCat("started ", spec->argv[0], " as pid ", child));
    }
    if (stopping && child == 0) break;
    absl::Duration wait = absl::Seconds(1);
    if (child == 0) wait = std::max(absl::Milliseconds(1), restart_at - absl::Now());
    if (stopping) wait = std::min(wait, std::max(absl::Milliseconds(1), kill_at - absl::Now()));
    struct timespec ts = absl::ToTimespec(wait);
    siginfo_t info;
    int sig = ::sigtimedwait(&handled, &info, &ts);
    if (sig == SIGTERM || sig == SIGINT) {
      stopping = true;
      kill_at = absl::Now() + absl::Seconds(10);
      if (child > 0) ::kill(-child, SIGTERM);
      Note("stopping");
    } else if (sig == SIGHUP && child > 0) {
      ::kill(child, spec->reload_signal);
      Note("reload signal sent");
    }
    if (stopping && child > 0 && absl::Now() >= kill_at) ::kill(-child, SIGKILL);
    // Reap whatever exited (SIGCHLD may coalesce).
    int status = 0;
    pid_t done;
    while ((done = ::waitpid(-1, &status, WNOHANG)) > 0) {
      if (done != child) continue;
      child = 0;
      ::unlink((dir + "/main.pid").c_str());
      if (stopping) break;
      // A service that ran a while gets restarted fast; one that keeps dying backs off.
      backoff = absl::Now() - started > absl::Seconds(10)
                    ? absl::Seconds(1)
                    : std::min(backoff * 2, absl::Seconds(30));
      restart_at = absl::Now() + backoff;
      Note(absl::StrCat("exited (",
                        WIFEXITED(status) ? absl::StrCat("code ", WEXITSTATUS(status))
                                          : absl::StrCat("signal ", WTERMSIG(status)),
                        "); restarting in ", absl::FormatDuration(backoff)));
    }
  }
  ::unlink((dir + "/supervisor.pid").c_str());
  Note("stopped");
  return 0;
}

}  // namespace dm
