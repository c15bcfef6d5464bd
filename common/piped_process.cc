#include "common/piped_process.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "common/files.h"

namespace dm {

absl::StatusOr<std::unique_ptr<PipedProcess>> PipedProcess::Start(const ProcessSpec& spec,
                                                                  const std::string& stderr_path) {
  absl::StatusOr<PreparedCommand> command = PreparedCommand::Prepare(spec);
  if (!command.ok()) return command.status();
  int in[2], out[2], report[2];
  if (::pipe2(in, O_CLOEXEC) != 0) return ErrnoStatus("pipe", "", errno);
  if (::pipe2(out, O_CLOEXEC) != 0) {
    ::close(in[0]);
    ::close(in[1]);
    return ErrnoStatus("pipe", "", errno);
  }
  if (::pipe2(report, O_CLOEXEC) != 0) {
    for (int fd : {in[0], in[1], out[0], out[1]}) ::close(fd);
    return ErrnoStatus("pipe", "", errno);
  }
  const int err = ::open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  const pid_t pid = ::fork();
  if (pid < 0) {
    for (int fd : {in[0], in[1], out[0], out[1], report[0], report[1], err}) ::close(fd);
    return ErrnoStatus("fork", "", errno);
  }
  if (pid == 0) {
    ::dup2(in[0], STDIN_FILENO);
    ::dup2(out[1], STDOUT_FILENO);
    if (err >= 0) ::dup2(err, STDERR_FILENO);
    command->ExecInChild(report[1]);
  }
  for (int fd : {in[0], out[1], report[1], err}) ::close(fd);
  // The child says why it could not exec, or the pipe closes on a successful exec.
  char why[256];
  const ssize_t n = ::read(report[0], why, sizeof(why));
  ::close(report[0]);
  std::unique_ptr<PipedProcess> child(new PipedProcess());
  child->pid_ = pid;
  child->in_ = in[1];
  child->out_ = out[0];
  if (n > 0) {
    child->Wait();
    return absl::FailedPreconditionError(
        absl::StrCat("cannot start ", spec.argv[0], ": ", std::string(why, n)));
  }
  // A child that exits early must not kill this process with SIGPIPE on the next write.
  ::signal(SIGPIPE, SIG_IGN);
  return child;
}

absl::Status PipedProcess::Write(const std::string& data) {
  if (in_ < 0) return absl::FailedPreconditionError("the child's input is closed");
  return WriteAll(in_, data, "a child's input");
}

void PipedProcess::CloseInput() {
  if (in_ >= 0) ::close(in_);
  in_ = -1;
}

absl::StatusOr<std::string> PipedProcess::Read(size_t max) {
  if (out_ < 0) return std::string();
  std::string buffer(max, '\0');
  for (;;) {
    const ssize_t n = ::read(out_, buffer.data(), max);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoStatus("read", "a child's output", errno);
    buffer.resize(n);
    return buffer;
  }
}

int PipedProcess::Wait() {
  if (reaped_) return exit_code_;
  CloseInput();
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  reaped_ = true;
  exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return exit_code_;
}

PipedProcess::~PipedProcess() {
  CloseInput();
  if (out_ >= 0) ::close(out_);
  if (!reaped_ && pid_ > 0) {
    ::kill(pid_, SIGKILL);
    Wait();
  }
}

}  // namespace dm
