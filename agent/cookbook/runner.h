// Converges a loaded run list: resources in order, guards, notifications, batched atomic
// writes, and a report of exactly what happened.
//
// A failing resource stops the run (unless it has ignore_failure); the report then says which
// resources changed before it and marks the rest skipped. Delayed notifications run at the
// end, once each, in the order they were first queued, and only when nothing failed.
#ifndef DM_AGENT_COOKBOOK_RUNNER_H_
#define DM_AGENT_COOKBOOK_RUNNER_H_

#include <atomic>
#include <functional>
#include <string>

#include "agent/cookbook/run_list.h"
#include "common/run_report.h"

namespace dm::cookbook {

struct RunOptions {
  bool dry_run = false;
  std::string backup_dir;  // replaced file versions; "" keeps none
  // See RunContext. Also holds converge.lock: one run at a time on the host (converge_lock.h);
  // "" takes no lock (tests of single resources).
  std::string state_dir = "/var/lib/dm-agent";
  std::string agent_binary = "/proc/self/exe";
  // Checked before each resource: when set, the rest is skipped and the run fails.
  const std::atomic<bool>* cancelled = nullptr;
  // Called when another run holds the host's converge lock and this one waits for it.
  std::function<void(const std::string& holder)> on_wait;
  // Called after each resource, for live progress.
  std::function<void(const ResourceReport&, size_t done, size_t total)> on_resource;
};

RunReport Converge(const RunList& run_list, const RunOptions& options);

}  // namespace dm::cookbook

#endif  // DM_AGENT_COOKBOOK_RUNNER_H_
