// Commands sent to agents and not yet answered, and where their answers go.
//
// An agent's output and results are routed only to commands that were sent to that same agent:
// an agent cannot answer, or inject output into, another agent's command.
//
// A command ends when its result arrives, when the caller forgets it, or when it is failed on
// the agent's behalf (the agent disconnected for too long, or restarted without it).
//
// Thread-safe.
#ifndef DM_CONTROLLER_COMMANDS_COMMAND_TRACKER_H_
#define DM_CONTROLLER_COMMANDS_COMMAND_TRACKER_H_

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "common/clock.h"
#include "controller/commands/command_sink.h"
#include "dm/v1/agent.pb.h"

namespace dm {

class CommandTracker {
 public:
  explicit CommandTracker(Clock* clock) : clock_(clock) {}

  // A fresh, unique command id.
  static std::string NewCommandId();

  // Tracks command `command_id`, sent (or about to be sent) to `agent_id`. A converge command
  // names its `bundle_hash`: the agent may fetch that bundle's blobs while it runs.
  void Register(const std::string& command_id, const std::string& agent_id,
                std::shared_ptr<CommandSink> sink, std::string bundle_hash = "");
  // The bundle of `agent_id`'s command `command_id` in flight; "" if there is none (or the
  // command is another agent's).
  std::string BundleOf(const std::string& agent_id, const std::string& command_id) const;
  // An exec command's large input, in parts by SHA-256, for the agent to fetch while the command
  // is tracked (ExecCommand.stdin_parts).
  using InputParts = std::map<std::string, std::string>;
  void AttachInput(const std::string& command_id, std::shared_ptr<const InputParts> parts);
  // Those parts for `agent_id`'s command `command_id`; nullptr if it has none (or is another's).
  std::shared_ptr<const InputParts> InputOf(const std::string& agent_id,
                                            const std::string& command_id) const;
  // Stops tracking; later answers for it are dropped.
  void Forget(const std::string& command_id);

  // Routes a message from `agent_id` that carries output, progress or a result. false if it belongs
  // to no command of that agent (late, forgotten, or not its own).
  bool Deliver(const std::string& agent_id, const dm::v1::AgentMessage& message);

  // Whether `command_id` is in flight on an agent other than `agent_id`: an agent that answers
  // it, or asks for its blobs, is misbehaving (a command it merely no longer has is not).
  bool BelongsToAnother(const std::string& agent_id, const std::string& command_id) const;

  // Ends every command of `agent_id` except those in `keep` with a failed result carrying
  // `error`. Returns how many were ended.
  size_t FailCommandsOf(const std::string& agent_id, const std::string& error,
                        const std::set<std::string>& keep = {});

  // Agents with commands in flight.
  std::vector<std::string> AgentsWithCommands() const;
  size_t in_flight() const;

 private:
  struct InFlight {
    std::string agent_id;
    std::shared_ptr<CommandSink> sink;
    std::string bundle_hash;
    std::shared_ptr<const InputParts> input;
  };

  Clock* const clock_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, InFlight> commands_ ABSL_GUARDED_BY(mu_);  // by command id
};

}  // namespace dm

#endif  // DM_CONTROLLER_COMMANDS_COMMAND_TRACKER_H_
