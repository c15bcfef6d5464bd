// Runs one program for a remote `exec`: argv directly (no shell), stdin from /dev/null, stdout
// and stderr streamed back in chunks as they arrive, in its own process group so that a timeout
// or cancellation stops everything it started.
#ifndef DM_AGENT_EXEC_COMMAND_RUNNER_H_
#define DM_AGENT_EXEC_COMMAND_RUNNER_H_

#include <atomic>
#include <functional>
#include <string>

#include "dm/v1/agent.pb.h"

namespace dm {

// Called in the running thread for each chunk of output (at most kMaxChunkBytes).
using OutputHandler = std::function<void(dm::v1::CommandOutput::Stream, std::string chunk)>;

inline constexpr size_t kMaxChunkBytes = 32 * 1024;

// Runs `command` to completion in the calling thread and returns its result (command_id left
// empty). Stops the program (SIGTERM to its group, SIGKILL five seconds later) when `cancelled`
// becomes true or its timeout passes. A program that cannot be started gets exit code 127 and an
// error naming why. `input_fd`, when given, is the program's standard input (instead of the
// command's stdin_data); the caller still closes it.
dm::v1::CommandResult RunCommand(const dm::v1::ExecCommand& command, const OutputHandler& on_output,
                                 const std::atomic<bool>& cancelled, int input_fd = -1);

}  // namespace dm

#endif  // DM_AGENT_EXEC_COMMAND_RUNNER_H_
