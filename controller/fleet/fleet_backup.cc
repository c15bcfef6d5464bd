// Database backups: dmctl backup create|list|restore, and dmctl up --restore. A backup is the
// database host's pg_dump, taken through its agent and stored by the controller in its object
// store as FLEET/TIMESTAMP.dump, with FLEET/TIMESTAMP.json beside it (rows per table, the app
// commit, the size). So backups live off the fleet's servers: every server can be destroyed
// and rebuilt from the latest one.
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "common/attributes.h"
#include "common/status_macros.h"
#include "common/yaml/yaml_tree.h"
#include "controller/fleet/backup_schedule.h"
#include "controller/fleet/fleet_events.h"
#include "controller/fleet/fleet_reconciler.h"
#include "spdlog/spdlog.h"

namespace dm {
namespace {

constexpr absl::Duration kAgentWait = absl::Seconds(30);

std::string BackupId(const std::string& fleet, absl::Time at) {
  return absl::StrCat(
      fleet, "/",
      absl::AsciiStrToLower(absl::FormatTime("%Y%m%dT%H%M%E3SZ", at, absl::UTCTimeZone())));
}

// The attribute `dotted` of `attributes`, or "".
std::string Lookup(const nlohmann::json& attributes, const std::string& dotted) {
  const nlohmann::json* at = &attributes;
  for (absl::string_view part : absl::StrSplit(dotted, '.')) {
    if (!at->is_object() || !at->contains(std::string(part))) return "";
    at = &(*at)[std::string(part)];
  }
  return at->is_string() ? at->get<std::string>() : "";
}

}  // namespace

HostDatabase FleetReconciler::DatabaseOn(const FleetFile& file, const std::string& host) {
  // The postgresql cookbook's defaults, under the fleet's own attributes.
  nlohmann::json attributes = nlohmann::json::object();
  absl::StatusOr<yaml::Node> defaults =
      yaml::ParseFile(s_.converger->deploy_dir() + "/cookbooks/postgresql/attributes.yaml");
  if (defaults.ok() && defaults->IsMap()) attributes = AttributesFromYaml(*defaults);
  MergeAttributes(attributes, file.attributes);
  std::string name = Lookup(attributes, "database.name"),
              user = Lookup(attributes, "database.user");
  return HostDatabase(s_.directory, s_.tracker, host, name.empty() ? "guestbook" : name,
                      user.empty() ? "guestbook" : user);
}

absl::StatusOr<const FleetHost*> FleetReconciler::DatabaseHost(const Inventory& inventory) {
  for (const FleetHost& host : inventory.hosts) {
    if (!host.Provides(Service::kDatabase)) continue;
    // An agent may be reconnecting after a blip (a busy machine, a restarted controller).
    if (!inventory.servers.count(host.name) || !WaitForAgent(host.name, kAgentWait)) {
      return absl::FailedPreconditionError(
          absl::StrCat("the database host ", host.name, " is not up (dmctl up)"));
    }
    return &host;
  }
  return absl::FailedPreconditionError("the fleet has no database");
}

absl::StatusOr<dm::v1::Backup> FleetReconciler::TakeBackup(const Loaded& fleet,
                                                           const Inventory& inventory,
                                                           const FleetEventFn& emit) {
  if (s_.backups == nullptr)
    return absl::FailedPreconditionError("this controller has no backup store");
  DM_ASSIGN_OR_RETURN(const FleetHost* host, DatabaseHost(inventory));
  HostDatabase database = DatabaseOn(fleet.file, host->name);
  emit(FleetEventOf(host->name, "backup", "running", "pg_dump"));
  const absl::Time at = absl::Now();
  // Counted before the dump: a busy site may add rows in between, never remove them.
  DM_ASSIGN_OR_RETURN(auto rows, database.CountRows());
  DM_ASSIGN_OR_RETURN(std::string dump, database.Dump());
  dm::v1::Backup backup;
  backup.set_id(BackupId(fleet.file.name, at));
  backup.set_created_unix_ms(absl::ToUnixMillis(at));
  backup.set_size(dump.size());
  backup.set_rows(DescribeRows(rows));
  backup.set_commit(fleet.record.commit);
  backup.set_store(s_.backups->name());
  nlohmann::json meta = {{"created_unix_ms", backup.created_unix_ms()},
                         {"size", backup.size()},
                         {"rows", backup.rows()},
                         {"commit", backup.commit()},
                         {"host", host->name}};
  DM_RETURN_IF_ERROR(s_.backups->Put(backup.id() + ".dump", dump));
  DM_RETURN_IF_ERROR(s_.backups->Put(backup.id() + ".json", meta.dump(2)));
  emit(FleetEventOf(host->name, "backup", "changed",
                    absl::StrCat(backup.id(), ": ", dump.size(), " bytes, ", backup.rows())));
  return backup;
}

absl::Status FleetReconciler::Backup(const dm::v1::FleetRequest& request,
                                     const FleetEventFn& on_event) {
  DM_ASSIGN_OR_RETURN(Loaded fleet, Load(request));
  DM_ASSIGN_OR_RETURN(std::unique_ptr<Busy> busy, Claim(fleet.file.name));
  DM_ASSIGN_OR_RETURN(Inventory inventory, Take(fleet.file));
  DM_ASSIGN_OR_RETURN(dm::v1::Backup backup, TakeBackup(fleet, inventory, on_event));
  Audit("fleet.backup", fleet.file.name, backup.id());
  PruneBackups(fleet.file);
  return absl::OkStatus();
}

absl::StatusOr<std::vector<BackupEntry>> FleetReconciler::BackupTimes(const std::string& fleet) {
  // The store's listing says when each description was written: the schedule needs no more, and
  // reading every description (a request each, on Swift or S3) every tick would be waste.
  DM_ASSIGN_OR_RETURN(std::vector<ObjectInfo> objects, s_.backups->List(fleet + "/"));
  std::vector<BackupEntry> entries;
  for (const ObjectInfo& o : objects) {
    if (absl::EndsWith(o.key, ".json"))
      entries.push_back({std::string(absl::StripSuffix(o.key, ".json")), o.modified});
  }
  return entries;
}

void FleetReconciler::PruneBackups(const FleetFile& file) {
  absl::StatusOr<std::vector<BackupEntry>> entries = BackupTimes(file.name);
  if (!entries.ok()) return;
  for (const std::string& id : BackupsToPrune(file.backups, *entries)) {
    // The description first: a dump without one is not listed, never the other way round.
    if (s_.backups->Delete(id + ".json").ok() && s_.backups->Delete(id + ".dump").ok()) {
      Audit("fleet.backup.pruned", file.name, id);
    }
  }
}

void FleetReconciler::RunScheduledBackups() {
  absl::StatusOr<std::vector<FleetRecord>> fleets = s_.store->ListFleets();
  if (!fleets.ok() || s_.backups == nullptr) return;
  for (const FleetRecord& record : *fleets) {
    dm::v1::FleetRequest by_name;
    by_name.set_name(record.name);
    absl::StatusOr<Loaded> fleet = Load(by_name);
    if (!fleet.ok() || fleet->file.backups.every <= absl::ZeroDuration()) continue;
    absl::StatusOr<std::vector<BackupEntry>> entries = BackupTimes(record.name);
    if (!entries.ok() || !BackupDue(fleet->file.backups, *entries, absl::Now())) continue;
    absl::StatusOr<std::unique_ptr<Busy>> busy = Claim(record.name);
    if (!busy.ok()) continue;  // up, deploy, split...: next tick
    absl::StatusOr<Inventory> inventory = Take(fleet->file);
    absl::StatusOr<dm::v1::Backup> taken =
        inventory.ok() ? TakeBackup(*fleet, *inventory, [](const dm::v1::FleetEvent&) {})
                       : absl::StatusOr<dm::v1::Backup>(inventory.status());
    if (!taken.ok()) {
      spdlog::warn("scheduled backup of fleet {} failed: {}", record.name,
                   std::string(taken.status().message()));
      Audit("fleet.backup.failed", record.name, std::string(taken.status().message()));
      continue;
    }
    spdlog::info("scheduled backup of fleet {}: {} ({} bytes)", record.name, taken->id(),
                 taken->size());
    Audit("fleet.backup", record.name, absl::StrCat(taken->id(), " (scheduled)"));
    PruneBackups(fleet->file);
  }
}

void FleetReconciler::StartBackupScheduler(absl::Duration tick) {
  scheduler_ = std::thread([this, tick] {
    std::unique_lock<std::mutex> lock(scheduler_mu_);
    while (
        !scheduler_cv_.wait_for(lock, absl::ToChronoSeconds(tick), [this] { return stopping_; })) {
      lock.unlock();
      RunScheduledBackups();
      lock.lock();
    }
  });
}

FleetReconciler::~FleetReconciler() { StopBackupScheduler(); }

void FleetReconciler::StopBackupScheduler() {
  {
    std::lock_guard<std::mutex> lock(scheduler_mu_);
    stopping_ = true;
  }
  scheduler_cv_.notify_all();
  if (scheduler_.joinable()) scheduler_.join();
}

absl::StatusOr<std::vector<dm::v1::Backup>> FleetReconciler::ListBackups(
    const dm::v1::FleetRequest& request) {
  if (s_.backups == nullptr)
    return absl::FailedPreconditionError("this controller has no backup store");
  std::string name = request.name();
  if (name.empty()) {
    DM_ASSIGN_OR_RETURN(Loaded fleet, Load(request));
    name = fleet.file.name;
  }
  DM_ASSIGN_OR_RETURN(std::vector<ObjectInfo> objects, s_.backups->List(name + "/"));
  std::vector<dm::v1::Backup> backups;
  for (const ObjectInfo& o : objects) {
    if (!absl::EndsWith(o.key, ".json")) continue;
    absl::StatusOr<std::string> text = s_.backups->Get(o.key);
    nlohmann::json meta = nlohmann::json::parse(text.value_or(""), nullptr, false);
    if (!meta.is_object()) continue;
    dm::v1::Backup b;
    b.set_id(std::string(absl::StripSuffix(o.key, ".json")));
    b.set_created_unix_ms(meta.value("created_unix_ms", int64_t{0}));
    b.set_size(meta.value("size", uint64_t{0}));
    b.set_rows(meta.value("rows", ""));
    b.set_commit(meta.value("commit", ""));
    b.set_store(s_.backups->name());
    backups.push_back(std::move(b));
  }
  return backups;
}

absl::Status FleetReconciler::RestoreBackup(Loaded& fleet, const Inventory& inventory,
                                            const std::string& wanted, const FleetEventFn& emit) {
  dm::v1::FleetRequest by_name;
  by_name.set_name(fleet.file.name);
  DM_ASSIGN_OR_RETURN(std::vector<dm::v1::Backup> backups, ListBackups(by_name));
  const dm::v1::Backup* chosen = nullptr;
  for (const dm::v1::Backup& b : backups) {
    if (wanted.empty() || wanted == "latest" || b.id() == wanted)
      chosen = &b;  // oldest first: the last wins
  }
  if (chosen == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("fleet ", fleet.file.name, " has no backup",
                     wanted.empty() || wanted == "latest" ? "" : " '" + wanted + "'", " in ",
                     s_.backups->name()));
  }
  DM_ASSIGN_OR_RETURN(const FleetHost* host, DatabaseHost(inventory));
  DM_ASSIGN_OR_RETURN(std::string dump, s_.backups->Get(chosen->id() + ".dump"));
  HostDatabase database = DatabaseOn(fleet.file, host->name);
  const bool was_in_maintenance = fleet.record.maintenance;
  // Nobody writes while the database is replaced.
  DM_RETURN_IF_ERROR(SetMaintenance(fleet, inventory, true, emit));
  emit(FleetEventOf(host->name, "restore", "running",
                    absl::StrCat(chosen->id(), " (", chosen->rows(), ")")));
  absl::Status restored = database.Restore(std::move(dump));
  absl::StatusOr<std::map<std::string, int64_t>> rows =
      restored.ok() ? database.CountRows()
                    : absl::StatusOr<std::map<std::string, int64_t>>(restored);
  if (!was_in_maintenance) DM_RETURN_IF_ERROR(SetMaintenance(fleet, inventory, false, emit));
  if (!rows.ok()) {
    emit(FleetEventOf(host->name, "restore", "failed", std::string(rows.status().message())));
    return absl::Status(rows.status().code(), absl::StrCat("restoring ", chosen->id(),
                                                           " failed (the database was "
                                                           "left as it was): ",
                                                           rows.status().message()));
  }
  emit(FleetEventOf(host->name, "restore", "changed",
                    absl::StrCat("restored ", chosen->id(), ": ", DescribeRows(*rows))));
  Audit("fleet.restore", fleet.file.name, chosen->id());
  return absl::OkStatus();
}

absl::Status FleetReconciler::Restore(const dm::v1::RestoreRequest& request,
                                      const FleetEventFn& on_event) {
  FleetEventFn emit = Serialized(on_event);
  DM_ASSIGN_OR_RETURN(Loaded fleet, Load(request.fleet()));
  DM_ASSIGN_OR_RETURN(std::unique_ptr<Busy> busy, Claim(fleet.file.name));
  DM_ASSIGN_OR_RETURN(Inventory inventory, Take(fleet.file));
  return RestoreBackup(fleet, inventory, request.backup(), emit);
}

}  // namespace dm
