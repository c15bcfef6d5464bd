#include "controller/commands/remote_exec.h"

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/tls/digest.h"

namespace dm {
namespace {

absl::Status Unreachable(const AgentView& view) {
  std::string seen =
      view.record.last_seen == absl::InfinitePast()
          ? "never connected"
          : absl::StrCat("last seen ", absl::FormatTime(absl::RFC3339_sec, view.record.last_seen,
                                                        absl::UTCTimeZone()));
  return absl::FailedPreconditionError(
      absl::StrCat("agent ", view.record.name, " is disconnected (", seen, ")"));
}

}  // namespace

absl::StatusOr<dm::v1::CommandResult> RunOnAgent(AgentDirectory* directory, CommandTracker* tracker,
                                                 const std::string& agent,
                                                 dm::v1::ExecCommand command,
                                                 const RemoteOutputFn& on_output,
                                                 const std::function<bool()>& cancelled) {
  if (command.argv_size() == 0 || command.argv(0).empty())
    return absl::InvalidArgumentError("exec needs a program to run");
  absl::StatusOr<AgentView> view = directory->Get(agent);
  if (!view.ok()) return view.status();
  if (!view->connected) return Unreachable(*view);
  const std::string agent_id = view->record.id;
  const std::string command_id = CommandTracker::NewCommandId();
  auto sink = std::make_shared<CommandSink>();
  tracker->Register(command_id, agent_id, sink);
  if (command.stdin_data().size() > kInlineInputBytes) {
    // Too large for the command's message: the agent fetches it in parts. The input moves into
    // the parts (a dump may be large: it is not copied whole again).
    std::string input;
    input.swap(*command.mutable_stdin_data());
    auto parts = std::make_shared<CommandTracker::InputParts>();
    for (size_t at = 0; at < input.size(); at += kInputPartBytes) {
      std::string part = input.substr(at, kInputPartBytes);
      std::string sha = Sha256Hex(part);
      command.add_stdin_parts(sha);
      parts->emplace(std::move(sha), std::move(part));
    }
    tracker->AttachInput(command_id, std::move(parts));
  }
  dm::v1::ControllerMessage message;
  message.mutable_command()->set_id(command_id);
  *message.mutable_command()->mutable_exec() = std::move(command);
  if (!directory->Send(agent_id, message)) {
    tracker->Forget(command_id);
    return Unreachable(*view);
  }
  // The program is logged, not its arguments, environment or input: they may carry secrets.
  LogInfo("exec {} on {} (command {})", message.command().exec().argv(0), agent, command_id);
  auto stop = [&](const std::string& why) {
    dm::v1::ControllerMessage cancel;
    cancel.mutable_cancel()->set_id(command_id);
    directory->Send(agent_id, cancel);
    tracker->Forget(command_id);
    return absl::CancelledError(why);
  };
  for (;;) {
    std::optional<CommandEvent> event = sink->Pop(CommandSink::kPollInterval);
    // Stop the program instead of letting it run unobserved.
    if (cancelled && cancelled()) return stop("cancelled by the client");
    if (!event) continue;
    if (event->output) {
      if (on_output && !on_output(*event->output)) return stop("the client went away");
      continue;
    }
    dm::v1::CommandResult result = std::move(*event->result);
    if (size_t dropped = sink->dropped_bytes(); dropped > 0) {
      std::string note =
          absl::StrCat(dropped, " bytes of output were dropped: the client read too slowly");
      result.set_error(result.error().empty() ? note : absl::StrCat(result.error(), "; ", note));
    }
    return result;
  }
}

}  // namespace dm
