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

// A command's input up to this size travels in the command's message; larger input (a database
// dump) is fetched by the agent in parts of kInputPartBytes (ExecCommand.stdin_parts), as many
// as it takes, while the command is in flight.
inline constexpr size_t kInlineInputBytes = 4u << 20;
inline constexpr size_t kInputPartBytes = 1u << 20;

// FailedPrecondition if the agent is disconnected; Cancelled if `on_output` or `cancelled`
// stopped it. The result says how the program ended; output the controller could not keep
// (a reader too slow) is noted in its error.
absl::StatusOr<dm::v1::CommandResult> RunOnAgent(AgentDirectory* directory, CommandTracker* tracker,
                                                 const std::string& agent,
                                                 dm::v1::ExecCommand command,
                                                 const RemoteOutputFn& on_output,
                                                 const std::function<bool()>& cancelled = {});

}  // namespace dm

#endif  // DM_CONTROLLER_COMMANDS_REMOTE_EXEC_H_
