#include "controller/fleet/fleet_service.h"

#include "common/status_macros.h"
#include "controller/fleet/operations/backups.h"
#include "controller/fleet/operations/deploy.h"
#include "controller/fleet/operations/down.h"
#include "controller/fleet/operations/heal.h"
#include "controller/fleet/operations/maintenance.h"
#include "controller/fleet/operations/scale.h"
#include "controller/fleet/operations/split.h"
#include "controller/fleet/operations/status.h"
#include "controller/fleet/operations/up.h"
#include "controller/fleet/steps/inventory.h"

namespace dm {
namespace {

// How long the old server of a split stays by default: the records' TTL.
constexpr absl::Duration kDefaultKeepOld = absl::Seconds(60);

}  // namespace

absl::StatusOr<dm::v1::FleetStatusResponse> FleetService::Status(
    const dm::v1::FleetRequest& request) {
  DM_ASSIGN_OR_RETURN(LoadedFleet fleet, loader_.Load(request));
  return FleetStatus(env_, fleet);
}

absl::Status FleetService::Plan(const dm::v1::FleetRequest& request, const FleetEventFn& on_event) {
  DM_ASSIGN_OR_RETURN(LoadedFleet fleet, loader_.Load(request));
  UpOptions options;
  options.apply = false;
  options.restore = request.restore();
  return UpOperation(env_).Run(fleet, options, Serialized(on_event));
}

absl::Status FleetService::Up(const dm::v1::FleetRequest& request, const FleetEventFn& on_event) {
  DM_ASSIGN_OR_RETURN(LoadedFleet fleet, loader_.Load(request));
  DM_ASSIGN_OR_RETURN(auto claim, locks_.Acquire(fleet.file.name));
  UpOptions options;
  options.restore = request.restore();
  return UpOperation(env_).Run(fleet, options, Serialized(on_event));
}

absl::Status FleetService::Down(const dm::v1::FleetRequest& request, const FleetEventFn& on_event) {
  DM_ASSIGN_OR_RETURN(LoadedFleet fleet, loader_.Load(request));
  DM_ASSIGN_OR_RETURN(auto claim, locks_.Acquire(fleet.file.name));
  return DownOperation(env_).Run(fleet, Serialized(on_event));
}

absl::Status FleetService::Scale(const dm::v1::ScaleFleetRequest& request,
                                 const FleetEventFn& on_event) {
  DM_ASSIGN_OR_RETURN(LoadedFleet fleet, loader_.Load(request.fleet()));
  DM_ASSIGN_OR_RETURN(auto claim, locks_.Acquire(fleet.file.name));
  return ScaleOperation(env_).Run(fleet, request.role(), static_cast<int>(request.count()),
                                  Serialized(on_event));
}

absl::Status FleetService::Deploy(const dm::v1::DeployFleetRequest& request,
                                  const FleetEventFn& on_event) {
  DM_ASSIGN_OR_RETURN(LoadedFleet fleet, loader_.Load(request.fleet()));
  DM_ASSIGN_OR_RETURN(auto claim, locks_.Acquire(fleet.file.name));
  DeployOptions options;
  options.revision = request.revision();
  options.rollback = request.rollback();
  return DeployOperation(env_).Run(fleet, options, Serialized(on_event));
}

absl::Status FleetService::Maintenance(const dm::v1::MaintenanceRequest& request,
                                       const FleetEventFn& on_event) {
  DM_ASSIGN_OR_RETURN(LoadedFleet fleet, loader_.Load(request.fleet()));
  DM_ASSIGN_OR_RETURN(auto claim, locks_.Acquire(fleet.file.name));
  return MaintenanceOperation(env_).Run(fleet, request.on(), Serialized(on_event));
}

absl::Status FleetService::Backup(const dm::v1::FleetRequest& request,
                                  const FleetEventFn& on_event) {
  DM_ASSIGN_OR_RETURN(LoadedFleet fleet, loader_.Load(request));
  DM_ASSIGN_OR_RETURN(auto claim, locks_.Acquire(fleet.file.name));
  DM_ASSIGN_OR_RETURN(Inventory inventory, TakeInventory(env_, fleet.file));
  BackupOperations backups(env_);
  DM_ASSIGN_OR_RETURN(dm::v1::Backup backup, backups.Take(fleet, inventory, Serialized(on_event)));
  env_.audit->Record("fleet.backup", fleet.file.name, backup.id());
  backups.Prune(fleet.file);
  return absl::OkStatus();
}

absl::StatusOr<std::vector<dm::v1::Backup>> FleetService::ListBackups(
    const dm::v1::FleetRequest& request) {
  // By name, a fleet that is gone still has its backups (up --restore rebuilds it from them).
  if (!request.name().empty()) return BackupOperations(env_).List(request.name());
  DM_ASSIGN_OR_RETURN(LoadedFleet fleet, loader_.Load(request));
  return BackupOperations(env_).List(fleet.file.name);
}

absl::Status FleetService::Restore(const dm::v1::RestoreRequest& request,
                                   const FleetEventFn& on_event) {
  DM_ASSIGN_OR_RETURN(LoadedFleet fleet, loader_.Load(request.fleet()));
  DM_ASSIGN_OR_RETURN(auto claim, locks_.Acquire(fleet.file.name));
  DM_ASSIGN_OR_RETURN(Inventory inventory, TakeInventory(env_, fleet.file));
  return BackupOperations(env_).Restore(fleet, inventory, request.backup(), Serialized(on_event));
}

absl::Status FleetService::Split(const dm::v1::SplitRequest& request,
                                 const FleetEventFn& on_event) {
  DM_ASSIGN_OR_RETURN(LoadedFleet fleet, loader_.Load(request.fleet()));
  DM_ASSIGN_OR_RETURN(auto claim, locks_.Acquire(fleet.file.name));
  const absl::Duration keep_old =
      request.has_keep_old_seconds() ? absl::Seconds(request.keep_old_seconds()) : kDefaultKeepOld;
  return SplitOperation(env_).Run(fleet, keep_old, Serialized(on_event));
}

absl::Status FleetService::HealReconverge(const std::string& name, const std::string& host) {
  DM_ASSIGN_OR_RETURN(LoadedFleet fleet, loader_.LoadByName(name));
  DM_ASSIGN_OR_RETURN(
      auto claim, locks_.AcquireForHealing(name, "self-healing (converging " + host + " again)"));
  return HealOperations(env_).Reconverge(fleet, host, [](const dm::v1::FleetEvent&) {});
}

absl::Status FleetService::HealOutOfService(const std::string& name,
                                            const std::set<std::string>& out) {
  DM_ASSIGN_OR_RETURN(LoadedFleet fleet, loader_.LoadByName(name));
  DM_ASSIGN_OR_RETURN(auto claim,
                      locks_.AcquireForHealing(name, "self-healing (setting the load balancers)"));
  return HealOperations(env_).SetOutOfService(fleet, out, [](const dm::v1::FleetEvent&) {});
}

absl::Status FleetService::HealReplace(const std::string& name, const std::string& host,
                                       std::string* note) {
  DM_ASSIGN_OR_RETURN(LoadedFleet fleet, loader_.LoadByName(name));
  DM_ASSIGN_OR_RETURN(auto claim,
                      locks_.AcquireForHealing(name, "self-healing (replacing " + host + ")"));
  return HealOperations(env_).Replace(
      fleet, host, [](const dm::v1::FleetEvent&) {}, note);
}

absl::Status FleetService::HealRollback(const std::string& name, const std::string& commit,
                                        const std::string& cause) {
  DM_ASSIGN_OR_RETURN(LoadedFleet fleet, loader_.LoadByName(name));
  DM_ASSIGN_OR_RETURN(auto claim, locks_.AcquireForHealing(
                                      name, "self-healing (rolling back to the healthy commit)"));
  DeployOptions options;
  options.commit = commit;
  options.cause = cause;
  return DeployOperation(env_).Run(fleet, options, [](const dm::v1::FleetEvent&) {});
}

absl::StatusOr<std::string> FleetService::SetHealing(const dm::v1::FleetRequest& request, bool on) {
  DM_ASSIGN_OR_RETURN(LoadedFleet fleet, loader_.Load(request));
  if (!fleet.known) {
    return absl::NotFoundError(absl::StrCat("no fleet '", fleet.file.name, "' (dmctl up first)"));
  }
  // The stored record, not the request's file: switching healing changes nothing else.
  DM_ASSIGN_OR_RETURN(FleetRecord record, env_.store->GetFleet(fleet.file.name));
  if (record.healing != on) {
    record.healing = on;
    record.updated = env_.clock->Now();
    DM_RETURN_IF_ERROR(env_.store->SaveFleet(record));
    EventRecord event;
    event.kind = on ? "heal.on" : "heal.off";
    event.subject = record.name;
    event.fleet = record.name;
    event.message = on ? "self-healing resumed" : "self-healing paused by an operator";
    env_.audit->Record(std::move(event));
  }
  return record.name;
}

}  // namespace dm
