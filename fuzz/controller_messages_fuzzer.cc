// Any sequence of messages from the controller, handled as the agent handles its stream
// (HandleControllerMessage and the CommandDispatcher): never a crash, a leak, a deadlock or a
// long wait, and nothing written outside the agent's state folder, whatever the commands, blobs,
// cancellations and acknowledgements say. No program is run and nothing is converged: exec
// commands echo their arguments, converge commands fetch their bundle, build its folder and load
// the role, then stop (CommandEffects).
//
// The input is a script of messages: two bytes for the message's length, then the protobuf bytes
// of a dm.v1.ControllerMessage (bytes that do not parse end the script, as gRPC would end the
// stream). Then every command still running is cancelled and waited for.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "agent/session/controller_messages.h"
#include "fuzz/scratch_files.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dm;
  const std::string scratch = fuzz::EmptyScratchDir();
  const std::string state = scratch + "/state";
  std::filesystem::create_directory(state);

  CommandEffects effects;
  effects.run_program = [](const dm::v1::ExecCommand& exec, const OutputHandler& on_output,
                           const std::atomic<bool>&, int) {
    for (const std::string& arg : exec.argv())
      on_output(dm::v1::CommandOutput::STDOUT, arg.substr(0, kMaxChunkBytes));
    dm::v1::CommandResult result;
    result.set_exit_code(0);
    return result;
  };
  effects.converge = false;

  Outbox outbox;
  {
    CommandDispatcher dispatcher(&outbox, state, nullptr, effects);
    int health_reports = 0;
    while (size >= 2) {
      size_t length = std::min<size_t>(size_t{data[0]} << 8 | data[1], size - 2);
      dm::v1::ControllerMessage message;
      bool parsed = message.ParseFromArray(data + 2, static_cast<int>(length));
      data += 2 + length;
      size -= 2 + length;
      if (!parsed) break;
      HandleControllerMessage(std::move(message), &outbox, &dispatcher,
                              [&health_reports] { ++health_reports; });
    }
    dispatcher.CancelAllAndWait();
  }

  // Whatever the paths in a bundle said, the agent wrote under its state folder only.
  for (const auto& entry : std::filesystem::directory_iterator(scratch)) {
    if (entry.path().filename() != "state") __builtin_trap();
  }
  // Every message the agent queued can be taken out, then the outbox is empty.
  for (int taken = 0; outbox.NextToSend(absl::ZeroDuration()).has_value(); ++taken) {
    if (taken > 1000000) __builtin_trap();
  }
  return 0;
}
