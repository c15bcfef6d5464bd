#include "controller/fleet/model/backup_schedule.h"

#include <algorithm>

namespace dm {

bool BackupDue(const FleetBackups& policy, const std::vector<BackupEntry>& backups,
               absl::Time now) {
  if (policy.every <= absl::ZeroDuration()) return false;
  absl::Time newest = absl::InfinitePast();
  for (const BackupEntry& b : backups) newest = std::max(newest, b.created);
  return newest == absl::InfinitePast() || now - newest >= policy.every;
}

std::vector<std::string> BackupsToPrune(const FleetBackups& policy,
                                        std::vector<BackupEntry> backups) {
  std::vector<std::string> prune;
  if (policy.keep <= 0 || backups.size() <= static_cast<size_t>(policy.keep)) return prune;
  std::sort(backups.begin(), backups.end(),
            [](const BackupEntry& a, const BackupEntry& b) { return a.created < b.created; });
  for (size_t i = 0; i + policy.keep < backups.size(); ++i) prune.push_back(backups[i].id);
  return prune;
}

}  // namespace dm
