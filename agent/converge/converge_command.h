// Runs a converge command from the controller on this host: fetch the bundle's missing blobs
// over the stream, build the bundle folder, load the role and converge it with the cookbook
// engine, report progress per resource and the run report as the result.
#ifndef DM_AGENT_CONVERGE_CONVERGE_COMMAND_H_
#define DM_AGENT_CONVERGE_CONVERGE_COMMAND_H_

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "agent/health/check_spec.h"
#include "dm/v1/agent.pb.h"

namespace dm {

// How the command talks to the controller; the dispatcher supplies these.
struct ConvergeChannel {
  std::function<void(std::vector<std::string> sha256s)> request_blobs;
  // The next Blobs message for this command, or nullopt after `wait`.
  std::function<std::optional<dm::v1::Blobs>(absl::Duration wait)> next_blobs;
  std::function<void(dm::v1::ConvergeProgress)> progress;
  // The role's health checks, after a real run (the agent's monitor runs them from then on).
  std::function<void(std::vector<health::CheckSpec>)> health_checks;
  // false: stop once the role is loaded (the bundle fetched and checked), changing nothing.
  bool converge = true;
};

// Exit codes of the result: 0 converged, 1 invalid input (nothing changed), 2 a resource
// failed; -1 when the bundle could not be fetched or the run was cancelled.
dm::v1::CommandResult RunConvergeCommand(const std::string& command_id,
                                         const dm::v1::ConvergeCommand& command,
                                         const std::string& state_dir, ConvergeChannel& channel,
                                         const std::atomic<bool>& cancelled);

}  // namespace dm

#endif  // DM_AGENT_CONVERGE_CONVERGE_COMMAND_H_
