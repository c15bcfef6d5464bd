#include "tests/harness/process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <functional>

#include "absl/time/clock.h"
#include "common/files.h"
#include "common/temp_dir.h"

extern char** environ;

namespace dm::testing {
namespace {

int DecodeStatus(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

pid_t Spawn(const std::vector<std::string>& argv, const std::string& out_path,
            const std::string& err_path, const std::vector<std::string>& extra_env) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                   0644);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                   0644);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t empty;
  sigemptyset(&empty);
  posix_spawnattr_setsigmask(&attr, &empty);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);

  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::vector<std::string> env_storage;
  for (char** e = environ; *e; ++e) env_storage.emplace_back(*e);
  for (const auto& e : extra_env) env_storage.push_back(e);
  std::vector<char*> env;
  for (auto& e : env_storage) env.push_back(e.data());
  env.push_back(nullptr);

  pid_t pid = -1;
  int rc = posix_spawn(&pid, args[0], &actions, &attr, args.data(), env.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  return rc == 0 ? pid : -1;
}

}  // namespace

std::string BinaryPath(const std::string& name) {
  if (const char* dir = std::getenv("DM_BIN_DIR"); dir != nullptr && *dir)
    return std::string(dir) + "/" + name;
  std::error_code ec;
  auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  return (self.parent_path() / ".." / "bin" / name).lexically_normal().string();
}

Process::Process(std::vector<std::string> argv, std::string log_path)
    : log_path_(std::move(log_path)) {
  pid_ = Spawn(argv, log_path_, log_path_, {});
}

Process::~Process() {
  if (pid_ > 0 && exit_code_ < 0) {
    kill(pid_, SIGKILL);
    Wait(absl::Seconds(10));
  }
}

std::string Process::Log() const { return ReadFile(log_path_).value_or(""); }

void Process::Signal(int signal) {
  if (pid_ > 0 && exit_code_ < 0) kill(pid_, signal);
}

int Process::Wait(absl::Duration timeout) {
  if (exit_code_ >= 0 || pid_ <= 0) return exit_code_;
  absl::Time deadline = absl::Now() + timeout;
  do {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      exit_code_ = DecodeStatus(status);
      return exit_code_;
    }
    absl::SleepFor(absl::Milliseconds(10));
  } while (absl::Now() < deadline);
  return -1;
}

int Process::Stop(absl::Duration grace) {
  Signal(SIGTERM);
  if (Wait(grace) >= 0) return exit_code_;
  Signal(SIGKILL);
  return Wait(absl::Seconds(10));
}

bool Process::Running() { return Wait(absl::ZeroDuration()) < 0 && pid_ > 0; }

bool Process::WaitForLog(const std::string& text, absl::Duration timeout) const {
  return Eventually([&] { return Log().find(text) != std::string::npos; }, timeout);
}

bool Eventually(const std::function<bool()>& condition, absl::Duration timeout) {
  absl::Time deadline = absl::Now() + timeout;
  for (;;) {
    if (condition()) return true;
    if (absl::Now() >= deadline) return false;
    absl::SleepFor(absl::Milliseconds(50));
  }
}

CommandResult RunCommand(const std::vector<std::string>& argv, absl::Duration timeout,
                         const std::vector<std::string>& env) {
  TempDir temp("dm-cmd");
  const std::string& dir = temp.path();
  CommandResult result;
  pid_t pid = Spawn(argv, dir + "/out", dir + "/err", env);
  if (pid > 0) {
    absl::Time deadline = absl::Now() + timeout;
    int status = 0;
    while (waitpid(pid, &status, WNOHANG) != pid) {
      if (absl::Now() > deadline) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        break;
      }
      absl::SleepFor(absl::Milliseconds(5));
    }
    result.exit_code = DecodeStatus(status);
  }
  result.out = ReadFile(dir + "/out").value_or("");
  result.err = ReadFile(dir + "/err").value_or("");
  return result;
}

}  // namespace dm::testing
