// The controller's view of every host's health (docs/health.md): the checks each agent reports,
// judged into healthy, degraded, unhealthy, lost or unknown. Every change of a check or of a
// host is an event in the Store; listeners (the healer) hear of host changes as they happen.
//
// Reports arrive on agents' streams when a check changes state; heartbeats carry a digest of the
// agent's checks, and a host whose digest differs from the last report is asked for a new one
// (ShouldAskForReport), so the view cannot drift. Lost hosts have no report to send: Sweep()
// finds them by time.
//
// Thread-safe.
#ifndef DM_CONTROLLER_HEALTH_HEALTH_BOARD_H_
#define DM_CONTROLLER_HEALTH_HEALTH_BOARD_H_

#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "controller/agents/agent_directory.h"
#include "controller/store/audit_trail.h"
#include "controller/store/store.h"
#include "dm/v1/health.pb.h"

namespace dm {

// A host's health from its checks: unhealthy if a critical check fails, degraded if another one
// does, unknown without checks or while any is unknown and none fails.
dm::v1::HostHealth JudgeChecks(const dm::v1::HealthReport& report);

// One host's health, judged now.
struct HostHealthState {
  std::string name;  // agent (and server) name
  std::string role;
  std::string fleet;  // "" for a host of no fleet
  dm::v1::HostHealth health = dm::v1::HOST_UNKNOWN;
  dm::v1::HealthReport report;
  absl::Time last_seen = absl::InfinitePast();
  // Its agent's stream is up. A host whose agent fell silent is not lost at once (lost_after),
  // but a storm counts it from the start.
  bool connected = true;
};

// A host whose judged health changed.
struct HostHealthChange {
  HostHealthState host;
  dm::v1::HostHealth before = dm::v1::HOST_UNKNOWN;
};

class HealthBoard {
 public:
  struct Options {
    // A host without a stream for this long is lost.
    absl::Duration lost_after = absl::Seconds(20);
    // How often a host may be asked for a report when its digest differs.
    absl::Duration ask_interval = absl::Seconds(10);
  };

  HealthBoard(Store* store, AgentDirectory* directory, const AuditTrail* audit, Clock* clock,
              Options options);

  // Called for every host whose health changes, outside the board's lock.
  void SetListener(std::function<void(const HostHealthChange&)> listener);

  // Takes the reports kept in the Store.
  absl::Status Load();

  // An agent's report arrived.
  void Report(const std::string& agent_name, const dm::v1::HealthReport& report);
  // A heartbeat with `digest` arrived: true when the agent should be asked for a report.
  bool ShouldAskForReport(const std::string& agent_name, uint64_t digest);
  // Judges every host again (lost hosts, hosts found again); records and announces changes.
  void Sweep();

  // Sweeps every `every` on a thread of its own until Stop() (or destruction).
  void StartSweeping(absl::Duration every);
  void Stop();
  ~HealthBoard();

  // Every host (of `fleet` when not empty), judged now, sorted by name.
  std::vector<HostHealthState> Hosts(const std::string& fleet = "");
  // One host, judged now; none when there is no such agent.
  std::optional<HostHealthState> Host(const std::string& name);

 private:
  struct Entry {
    dm::v1::HealthReport report;
    dm::v1::HostHealth judged = dm::v1::HOST_UNKNOWN;  // as last announced
    absl::Time asked = absl::InfinitePast();
    std::optional<std::string> fleet;  // the host's server's fleet, read once (it never moves)
  };

  HostHealthState Judge(const AgentView& agent, const Entry& entry) const;
  // Requires mu_. Reads the Store the first time only: Hosts() runs every second.
  std::string FleetOf(const std::string& name, Entry& entry);
  void RecordCheckChanges(const std::string& name, const std::string& fleet,
                          const dm::v1::HealthReport& before, const dm::v1::HealthReport& after);
  void Announce(const std::vector<HostHealthChange>& changes);

  Store* const store_;
  AgentDirectory* const directory_;
  const AuditTrail* const audit_;
  Clock* const clock_;
  const Options options_;

  std::mutex listener_mu_;
  std::function<void(const HostHealthChange&)> listener_ ABSL_GUARDED_BY(listener_mu_);

  std::mutex mu_;
  std::map<std::string, Entry> hosts_ ABSL_GUARDED_BY(mu_);  // by agent name

  std::mutex sweep_mu_;
  std::condition_variable sweep_cv_;
  bool stopping_ ABSL_GUARDED_BY(sweep_mu_) = false;
  std::thread sweeper_;
};

}  // namespace dm

#endif  // DM_CONTROLLER_HEALTH_HEALTH_BOARD_H_
