// Runs a program on one agent over its stream and waits for the result: what dmctl exec does,
// and what fleet operations use to dump and restore databases or run the app's commands.
#ifndef DM_CONTROLLER_COMMANDS_REMOTE_EXEC_H_
#define DM_CONTROLLER_COMMANDS_REMOTE_EXEC_H_

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "controller/agents/agent_directory.h"
#include "controller/commands/command_tracker.h"
#include "dm/v1/agent.pb.h"

namespace dm {

// Sees each chunk of output as it arrives; returns false to stop the program (the caller went
// away).
using RemoteOutputFn = std::function<bool(const dm::v1::CommandOutput&)>;

// What a command's input may hold: it travels in the command's one message, and agents accept
// messages of up to 64 MB. A database restore through an agent is bound by it.
inline constexpr size_t kMaxExecInputBytes = 60u << 20;

// InvalidArgument for more input than kMaxExecInputBytes (before anything is sent);
// FailedPrecondition if the agent is disconnected; Cancelled if `on_output` or `cancelled`
// stopped it. The result says how the program ended; output the controller could not keep
// (a reader too slow) is noted in its error.
absl::StatusOr<dm::v1::CommandResult> RunOnAgent(AgentDirectory* directory, CommandTracker* tracker,
                                                 const std::string& agent, const dm::v1::ExecCommand& command,
                                                 const RemoteOutputFn& on_output,
                                                 const std::function<bool()>& cancelled = {});

}  // namespace dm

#endif  // DM_CONTROLLER_COMMANDS_REMOTE_EXEC_H_
