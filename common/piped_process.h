// A child process whose standard input and output are pipes to this one, for relaying a
// protocol spoken over them (git's pack protocol between dmctl and the controller). Its standard
// error goes to a file. The child is killed and reaped when the object goes, if it still runs.
#ifndef DM_COMMON_PIPED_PROCESS_H_
#define DM_COMMON_PIPED_PROCESS_H_

#include <sys/types.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/process.h"

namespace dm {

class PipedProcess {
 public:
  // Starts spec.argv (spec.stdin_data and spec.timeout are ignored); stderr appended to
  // `stderr_path` ("/dev/null" to drop it).
  static absl::StatusOr<std::unique_ptr<PipedProcess>> Start(const ProcessSpec& spec,
                                                             const std::string& stderr_path);
  ~PipedProcess();
  PipedProcess(const PipedProcess&) = delete;
  PipedProcess& operator=(const PipedProcess&) = delete;

  // Writes all of `data` to the child's stdin; an error once the child closed it.
  absl::Status Write(const std::string& data);
  // Closes the child's stdin: it sees the end of its input.
  void CloseInput();
  // Up to `max` bytes of the child's stdout; "" at its end.
  absl::StatusOr<std::string> Read(size_t max = 64 * 1024);
  // Waits for the child to exit; its exit code (-1 when a signal ended it).
  int Wait();

 private:
  PipedProcess() = default;
  pid_t pid_ = -1;
  int in_ = -1, out_ = -1;
  bool reaped_ = false;
  int exit_code_ = -1;
};

}  // namespace dm

#endif  // DM_COMMON_PIPED_PROCESS_H_
