// Runs a host's health checks on their own schedule, whether or not the controller is reachable,
// and says when any check changes state. The checks arrive with the role's converge and are kept
// in STATE_DIR/health/checks.json, so a restarted agent goes on checking at once.
//
// One thread runs every check in turn (a probe ends within its timeout, which is at most its
// interval); probes other than `command` spawn no process.
//
// Thread-safe.
#ifndef DM_AGENT_HEALTH_HEALTH_MONITOR_H_
#define DM_AGENT_HEALTH_HEALTH_MONITOR_H_

#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "agent/health/check_state.h"
#include "agent/health/probes.h"
#include "common/clock.h"

namespace dm::health {

class HealthMonitor {
 public:
  // Called on the monitor's thread after checks changed state, with every check's status.
  using ChangeFn = std::function<void(const std::vector<CheckStatus>& all)>;

  HealthMonitor(std::string state_dir, std::unique_ptr<Prober> prober, Clock* clock,
                ChangeFn on_change);
  ~HealthMonitor();
  HealthMonitor(const HealthMonitor&) = delete;
  HealthMonitor& operator=(const HealthMonitor&) = delete;

  // Loads the kept checks (none is fine) and starts the thread. A damaged file is an error and
  // leaves the monitor without checks until the next converge.
  absl::Status Start();
  void Stop();

  // Replaces the checks (a converge finished) and keeps them for the next start. A check whose
  // definition did not change keeps its state; the others start unknown. All run at once.
  absl::Status SetChecks(std::vector<CheckSpec> checks);

  std::vector<CheckStatus> Snapshot() const;
  // Over every check's name and state: changes exactly when a report would.
  uint64_t Digest() const;

  // Runs the checks due now (the thread's body; tests call it with a fake clock). Returns when
  // the next check is due.
  absl::Time RunDue();

 private:
  struct Entry {
    CheckTracker tracker;
    absl::Time next_run;
  };

  std::string ChecksPath() const;
  void Loop();

  const std::string state_dir_;
  const std::unique_ptr<Prober> prober_;  // used by the running thread only
  Clock* const clock_;
  const ChangeFn on_change_;

  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::map<std::string, Entry> checks_ ABSL_GUARDED_BY(mu_);  // by name
  uint64_t generation_ ABSL_GUARDED_BY(mu_) = 0;              // bumped by SetChecks
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

// The digest of a set of statuses (HealthMonitor::Digest), FNV-1a over names and states.
uint64_t DigestOf(const std::vector<CheckStatus>& statuses);

}  // namespace dm::health

#endif  // DM_AGENT_HEALTH_HEALTH_MONITOR_H_
