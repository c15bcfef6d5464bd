#include "controller/fleet/backup_scheduler.h"

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "controller/fleet/fleet_loader.h"
#include "controller/fleet/model/backup_schedule.h"
#include "controller/fleet/operations/backups.h"
#include "controller/fleet/steps/inventory.h"

namespace dm {

BackupScheduler::~BackupScheduler() { Stop(); }

void BackupScheduler::Start(absl::Duration tick) {
  thread_ = std::thread([this, tick] {
    std::unique_lock<std::mutex> lock(mu_);
    while (!wake_.wait_for(lock, absl::ToChronoSeconds(tick), [this] { return stopping_; })) {
      lock.unlock();
      RunOnce();
      lock.lock();
    }
  });
}

void BackupScheduler::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

int BackupScheduler::RunOnce() {
  absl::StatusOr<std::vector<FleetRecord>> fleets = env_.store->ListFleets();
  if (!fleets.ok() || env_.backups == nullptr) return 0;
  FleetLoader loader(env_);
  BackupOperations backups(env_);
  int taken = 0;
  for (const FleetRecord& record : *fleets) {
    absl::StatusOr<LoadedFleet> fleet = loader.LoadByName(record.name);
    if (!fleet.ok() || fleet->file.backups.every <= absl::ZeroDuration()) continue;
    absl::StatusOr<std::vector<BackupEntry>> entries = backups.Times(record.name);
    if (!entries.ok() || !BackupDue(fleet->file.backups, *entries, env_.clock->Now())) continue;
    absl::StatusOr<std::unique_ptr<FleetLocks::Claim>> claim = locks_->Acquire(record.name);
    if (!claim.ok()) continue;  // up, deploy, split...: next tick
    absl::StatusOr<Inventory> inventory = TakeInventory(env_, fleet->file);
    absl::StatusOr<dm::v1::Backup> backup =
        inventory.ok() ? backups.Take(*fleet, *inventory, [](const dm::v1::FleetEvent&) {})
                       : absl::StatusOr<dm::v1::Backup>(inventory.status());
    if (!backup.ok()) {
      LogWarn("scheduled backup of fleet {} failed: {}", record.name,
              std::string(backup.status().message()));
      env_.audit->Record("fleet.backup.failed", record.name,
                         std::string(backup.status().message()));
      continue;
    }
    ++taken;
    LogInfo("scheduled backup of fleet {}: {} ({} bytes)", record.name, backup->id(),
            backup->size());
    env_.audit->Record("fleet.backup", record.name, absl::StrCat(backup->id(), " (scheduled)"));
    backups.Prune(fleet->file);
  }
  return taken;
}

}  // namespace dm
