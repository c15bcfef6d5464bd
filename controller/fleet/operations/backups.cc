#include "controller/fleet/operations/backups.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/status_macros.h"
#include "controller/fleet/steps/database.h"
#include "controller/fleet/steps/maintenance.h"
#include "controller/fleet/steps/media.h"
#include "controller/providers/providers_config.h"
#include "nlohmann/json.hpp"

namespace dm {
namespace {

absl::Status NoStore() {
  return absl::FailedPreconditionError("this controller has no backup store");
}

std::string BackupId(const std::string& fleet, absl::Time at) {
  return absl::StrCat(
      fleet, "/",
      absl::AsciiStrToLower(absl::FormatTime("%Y%m%dT%H%M%E3SZ", at, absl::UTCTimeZone())));
}

}  // namespace

absl::StatusOr<dm::v1::Backup> BackupOperations::Take(const LoadedFleet& fleet,
                                                      const Inventory& inventory,
                                                      const FleetEventFn& emit) {
  if (env_.backups == nullptr) return NoStore();
  DM_ASSIGN_OR_RETURN(const FleetHost* host, DatabaseHost(env_, inventory));
  const DatabaseRef database = DatabaseOn(fleet.file, host->name);
  emit(FleetEventOf(host->name, "backup", dm::v1::STEP_RUNNING, "pg_dump"));
  const absl::Time at = env_.clock->Now();
  DM_ASSIGN_OR_RETURN(RowCounts rows, env_.world->CountRows(database));
  DM_ASSIGN_OR_RETURN(std::string dump, env_.world->DumpDatabase(database));
  dm::v1::Backup backup;
  backup.set_id(BackupId(fleet.file.name, at));
  backup.set_created_unix_ms(absl::ToUnixMillis(at));
  backup.set_size(dump.size());
  backup.set_rows(DescribeRows(rows));
  backup.set_commit(fleet.record.commit);
  backup.set_store(env_.backups->name());
  nlohmann::json meta = {{"created_unix_ms", backup.created_unix_ms()},
                         {"size", backup.size()},
                         {"rows", backup.rows()},
                         {"commit", backup.commit()},
                         {"host", host->name}};
  // The dump and the media first: a description without them would list a backup that cannot
  // restore.
  DM_RETURN_IF_ERROR(env_.backups->Put(backup.id() + ".dump", dump));
  DM_ASSIGN_OR_RETURN(const NamedStore* media, FleetMediaStore(env_, fleet.file));
  if (media != nullptr) {
    DM_ASSIGN_OR_RETURN(meta["media"],
                        BackUpMedia(*media, env_.backups, fleet.file.name, backup.id(), emit));
  }
  DM_RETURN_IF_ERROR(env_.backups->Put(backup.id() + ".json", meta.dump(2)));
  emit(FleetEventOf(host->name, "backup", dm::v1::STEP_CHANGED,
                    absl::StrCat(backup.id(), ": ", dump.size(), " bytes, ", backup.rows())));
  return backup;
}

absl::StatusOr<std::vector<dm::v1::Backup>> BackupOperations::List(const std::string& fleet) {
  if (env_.backups == nullptr) return NoStore();
  DM_ASSIGN_OR_RETURN(std::vector<ObjectInfo> objects, env_.backups->List(fleet + "/"));
  std::vector<dm::v1::Backup> backups;
  for (const ObjectInfo& o : objects) {
    if (!absl::EndsWith(o.key, ".json")) continue;
    absl::StatusOr<std::string> text = env_.backups->Get(o.key);
    nlohmann::json meta = nlohmann::json::parse(text.value_or(""), nullptr, false);
    if (!meta.is_object()) continue;
    dm::v1::Backup b;
    b.set_id(std::string(absl::StripSuffix(o.key, ".json")));
    b.set_created_unix_ms(meta.value("created_unix_ms", int64_t{0}));
    b.set_size(meta.value("size", uint64_t{0}));
    b.set_rows(meta.value("rows", ""));
    b.set_commit(meta.value("commit", ""));
    b.set_store(env_.backups->name());
    backups.push_back(std::move(b));
  }
  return backups;
}

absl::Status BackupOperations::Restore(LoadedFleet& fleet, const Inventory& inventory,
                                       const std::string& wanted, const FleetEventFn& emit) {
  DM_ASSIGN_OR_RETURN(std::vector<dm::v1::Backup> backups, List(fleet.file.name));
  const dm::v1::Backup* chosen = nullptr;
  for (const dm::v1::Backup& b : backups) {
    // Oldest first: the last match is the newest.
    if (wanted.empty() || wanted == "latest" || b.id() == wanted) chosen = &b;
  }
  if (chosen == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("fleet ", fleet.file.name, " has no backup",
                     wanted.empty() || wanted == "latest" ? "" : " '" + wanted + "'", " in ",
                     env_.backups->name()));
  }
  DM_ASSIGN_OR_RETURN(const FleetHost* host, DatabaseHost(env_, inventory));
  DM_ASSIGN_OR_RETURN(std::string dump, env_.backups->Get(chosen->id() + ".dump"));
  const DatabaseRef database = DatabaseOn(fleet.file, host->name);
  const bool was_in_maintenance = fleet.record.maintenance;
  // Nobody writes while the database is replaced.
  DM_RETURN_IF_ERROR(SetMaintenance(env_, fleet, inventory, true, emit));
  emit(FleetEventOf(host->name, "restore", dm::v1::STEP_RUNNING,
                    absl::StrCat(chosen->id(), " (", chosen->rows(), ")")));
  absl::Status restored = env_.world->RestoreDatabase(database, std::move(dump));
  absl::StatusOr<RowCounts> rows =
      restored.ok() ? env_.world->CountRows(database) : absl::StatusOr<RowCounts>(restored);
  if (!was_in_maintenance) DM_RETURN_IF_ERROR(SetMaintenance(env_, fleet, inventory, false, emit));
  if (!rows.ok()) {
    emit(FleetEventOf(host->name, "restore", dm::v1::STEP_FAILED,
                      std::string(rows.status().message())));
    return absl::Status(
        rows.status().code(),
        absl::StrCat("restoring ", chosen->id(),
                     " failed (the database was left as it was): ", rows.status().message()));
  }
  emit(FleetEventOf(host->name, "restore", dm::v1::STEP_CHANGED,
                    absl::StrCat("restored ", chosen->id(), ": ", DescribeRows(*rows))));
  env_.audit->Record("fleet.restore", fleet.file.name, chosen->id());
  // The uploads the rows name: those the media store lost come back from the backup's copies.
  DM_ASSIGN_OR_RETURN(const NamedStore* media, FleetMediaStore(env_, fleet.file));
  if (media != nullptr) {
    absl::Status uploads = RestoreMedia(*media, env_.backups, fleet.file.name, chosen->id(), emit);
    if (!uploads.ok()) {
      return absl::Status(uploads.code(), absl::StrCat("the database is restored from ",
                                                       chosen->id(), ", but ", uploads.message()));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<BackupEntry>> BackupOperations::Times(const std::string& fleet) {
  if (env_.backups == nullptr) return NoStore();
  DM_ASSIGN_OR_RETURN(std::vector<ObjectInfo> objects, env_.backups->List(fleet + "/"));
  std::vector<BackupEntry> entries;
  for (const ObjectInfo& o : objects) {
    if (absl::EndsWith(o.key, ".json")) {
      entries.push_back({std::string(absl::StripSuffix(o.key, ".json")), o.modified});
    }
  }
  return entries;
}

void BackupOperations::Prune(const FleetFile& file) {
  absl::StatusOr<std::vector<BackupEntry>> entries = Times(file.name);
  if (!entries.ok()) return;
  const std::vector<std::string> pruned = BackupsToPrune(file.backups, *entries);
  for (const std::string& id : pruned) {
    // The description first: a dump without one is not listed, never the other way round.
    if (env_.backups->Delete(id + ".json").ok() && env_.backups->Delete(id + ".dump").ok() &&
        env_.backups->Delete(id + ".media").ok()) {
      env_.audit->Record("fleet.backup.pruned", file.name, id);
    }
  }
  // Media copies that no backup left lists go with the last backup that listed them.
  if (!pruned.empty()) PruneMediaCopies(env_.backups, file.name);
}

}  // namespace dm
