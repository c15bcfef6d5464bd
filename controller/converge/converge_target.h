// What a converge is asked to do (one target per host) and what became of it: the vocabulary
// shared by the Converger and the fleet operations that drive it, without either's machinery.
#ifndef DM_CONTROLLER_CONVERGE_CONVERGE_TARGET_H_
#define DM_CONTROLLER_CONVERGE_CONVERGE_TARGET_H_

#include <functional>
#include <string>

#include "controller/store/records.h"
#include "dm/v1/admin.pb.h"

namespace dm {

struct ConvergeTarget {
  std::string agent;            // agent name
  std::string role;             // "": the role it enrolled with
  std::string attributes_json;  // fleet attributes, a JSON object ("": none)
};

// What became of one target: its run (converged, failed, invalid, error), or why no run was
// started (`refused`: unknown or disconnected agent, no such role).
struct ConvergeOutcome {
  std::string agent;
  std::string refused;
  RunRecord run;

  bool converged() const { return refused.empty() && run.status == RunStatus::kConverged; }
};

using ConvergeEventFn = std::function<void(const dm::v1::ConvergeEvent&)>;

}  // namespace dm

#endif  // DM_CONTROLLER_CONVERGE_CONVERGE_TARGET_H_
