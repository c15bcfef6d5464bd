// When a fleet's next scheduled backup is due, and which backups its `keep` lets go.
#ifndef DM_CONTROLLER_FLEET_MODEL_BACKUP_SCHEDULE_H_
#define DM_CONTROLLER_FLEET_MODEL_BACKUP_SCHEDULE_H_

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "controller/fleet/model/fleet_file.h"

namespace dm {

struct BackupEntry {
  std::string id;
  absl::Time created;
};

// True when `policy` schedules backups and the newest (`backups`, any order) is at least
// `policy.every` old, or there is none.
bool BackupDue(const FleetBackups& policy, const std::vector<BackupEntry>& backups, absl::Time now);

// The ids beyond the newest `policy.keep` (none when keep is 0), oldest first.
std::vector<std::string> BackupsToPrune(const FleetBackups& policy,
                                        std::vector<BackupEntry> backups);

}  // namespace dm

#endif  // DM_CONTROLLER_FLEET_MODEL_BACKUP_SCHEDULE_H_
