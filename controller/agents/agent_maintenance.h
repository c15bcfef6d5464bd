// The controller's housekeeping thread: once a tick it expires agents that went silent, fails
// commands whose agent has been gone longer than the resume grace, and every flush interval
// writes changed agent status to the Store. Stop() does one last flush, so a clean shutdown
// loses no status.
#ifndef DM_CONTROLLER_AGENTS_AGENT_MAINTENANCE_H_
#define DM_CONTROLLER_AGENTS_AGENT_MAINTENANCE_H_

#include <condition_variable>
#include <mutex>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/time/time.h"
#include "controller/agents/agent_directory.h"
#include "controller/commands/command_tracker.h"
#include "controller/store/store.h"

namespace dm {

struct MaintenanceOptions {
  absl::Duration tick = absl::Seconds(1);
  // Connects, disconnects and facts reach the Store within this...
  absl::Duration flush_interval = absl::Seconds(5);
  // ...and last_seen from heartbeats within this (and at shutdown).
  absl::Duration heartbeat_flush_interval = absl::Seconds(60);
  // How long a command waits for its disconnected agent to come back and resume.
  absl::Duration resume_grace = absl::Seconds(15);
};

class AgentMaintenance {
 public:
  AgentMaintenance(AgentDirectory* directory, CommandTracker* tracker, Store* store,
                   MaintenanceOptions options)
      : directory_(directory), tracker_(tracker), store_(store), options_(options) {}
  ~AgentMaintenance() { Stop(); }

  void Start();
  // Stops the thread and flushes status once more. Idempotent.
  void Stop();

  enum class Flush { kNone, kStatus, kStatusAndHeartbeats };
  // One round of the work above; the thread calls it each tick. Public for tests.
  void RunOnce(Flush flush);

 private:
  void Loop();
  void FlushNow(bool include_heartbeats);

  AgentDirectory* const directory_;
  CommandTracker* const tracker_;
  Store* const store_;
  const MaintenanceOptions options_;

  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace dm

#endif  // DM_CONTROLLER_AGENTS_AGENT_MAINTENANCE_H_
