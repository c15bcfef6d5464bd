// Converging agents to roles: builds the cookbook bundle from the deploy folder, sends each
// target a converge command over its stream, reports progress and results as they come, and
// stores every run. Shared by dmctl converge (AdminHandler::Converge) and fleet lifecycles,
// which give each host its own role and attributes.
//
// A run keeps going when the caller goes away (Ctrl-C, a dropped connection): stopping a converge
// half-way helps nobody, so Run() waits until every run has reported, and stores it.
#ifndef DM_CONTROLLER_CONVERGE_CONVERGER_H_
#define DM_CONTROLLER_CONVERGE_CONVERGER_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/bundle/bundle.h"
#include "common/clock.h"
#include "controller/agents/agent_directory.h"
#include "controller/commands/command_tracker.h"
#include "controller/converge/converge_target.h"
#include "controller/store/records.h"
#include "controller/store/store.h"
#include "dm/v1/admin.pb.h"

namespace dm {

class Converger {
 public:
  Converger(AgentDirectory* directory, CommandTracker* tracker, Store* store, Clock* clock,
            BundleCache* bundles, std::string deploy_dir)
      : directory_(directory),
        tracker_(tracker),
        store_(store),
        clock_(clock),
        bundles_(bundles),
        deploy_dir_(std::move(deploy_dir)) {}

  bool has_cookbooks() const { return !deploy_dir_.empty(); }
  const std::string& deploy_dir() const { return deploy_dir_; }

  // Converges every target in parallel; `on_event` (may be empty) sees each one start, progress
  // and finish, from this thread. Returns one outcome per target, in order. An error only when
  // nothing could start: no deploy folder, a bundle that cannot be built, bad attributes.
  // `deploy_dir` (a fleet's) over the controller's own.
  absl::StatusOr<std::vector<ConvergeOutcome>> Run(const std::vector<ConvergeTarget>& targets,
                                                   bool dry_run, const ConvergeEventFn& on_event,
                                                   const std::string& deploy_dir = "");

 private:
  AgentDirectory* const directory_;
  CommandTracker* const tracker_;
  Store* const store_;
  Clock* const clock_;
  BundleCache* const bundles_;
  const std::string deploy_dir_;
};

}  // namespace dm

#endif  // DM_CONTROLLER_CONVERGE_CONVERGER_H_
