// Scheduled backups: every tick, takes the backups that fleets' files say are due
// (backups: {every, keep}) and lets go of those beyond `keep`. A fleet busy with another
// operation waits for the next tick; a failed backup is logged and audited, and tried again on
// the next.
#ifndef DM_CONTROLLER_FLEET_BACKUP_SCHEDULER_H_
#define DM_CONTROLLER_FLEET_BACKUP_SCHEDULER_H_

#include <condition_variable>
#include <mutex>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/time/time.h"
#include "controller/fleet/fleet_env.h"
#include "controller/fleet/fleet_locks.h"

namespace dm {

class BackupScheduler {
 public:
  // `locks` is shared with the operations dmctl starts; not owned.
  BackupScheduler(const FleetEnv& env, FleetLocks* locks) : env_(env), locks_(locks) {}
  // Stops the thread.
  ~BackupScheduler();

  // Runs RunOnce() every `tick` (wall time) on a thread of its own.
  void Start(absl::Duration tick);
  // Waits for a pass under way to end. Idempotent.
  void Stop();
  // One pass over every fleet; returns how many backups it took.
  int RunOnce();

 private:
  const FleetEnv env_;
  FleetLocks* const locks_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace dm

#endif  // DM_CONTROLLER_FLEET_BACKUP_SCHEDULER_H_
