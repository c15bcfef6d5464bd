// The controller's housekeeping thread: once a tick it expires agents that went silent, fails
// commands whose agent has been gone longer than the resume grace, and every flush interval
// writes changed agent status to the Store. Stop() does one last flush, so a clean shutdown
// loses no status.
#ifndef DM_CONTROLLER_FLEET_FLEET_MAINTENANCE_H_
#define DM_CONTROLLER_FLEET_FLEET_MAINTENANCE_H_

#include <condition_variable>
#include <mutex>
#include <thread>

#include "absl/time/time.h"
#include "controller/commands/command_tracker.h"
#include "controller/fleet/agent_directory.h"
#include "controller/store/store.h"

namespace dm {

struct MaintenanceOptions {
  absl::Duration tick = absl::Seconds(1);
  absl::Duration flush_interval = absl::Seconds(5);
  // How long a command waits for its disconnected agent to come back and resume.
  absl::Duration resume_grace = absl::Seconds(15);
};

class FleetMaintenance {
 public:
  FleetMaintenance(AgentDirectory* directory, CommandTracker* tracker, Store* store,
                   MaintenanceOptions options)
      : directory_(directory), tracker_(tracker), store_(store), options_(options) {}
  ~FleetMaintenance() { Stop(); }

  void Start();
  // Stops the thread and flushes status once more. Idempotent.
  void Stop();

  // One round of the work above; the thread calls it each tick. Public for tests.
  void RunOnce(bool flush);

 private:
  void Loop();
  void Flush();

  AgentDirectory* const directory_;
  CommandTracker* const tracker_;
  Store* const store_;
  const MaintenanceOptions options_;

  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace dm

#endif  // DM_CONTROLLER_FLEET_FLEET_MAINTENANCE_H_
