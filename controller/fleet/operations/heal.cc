#include "controller/fleet/operations/heal.h"

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "controller/fleet/operations/up.h"
#include "controller/fleet/steps/converge_hosts.h"
#include "controller/fleet/steps/inventory.h"

namespace dm {

absl::Status HealOperations::Reconverge(LoadedFleet& fleet, const std::string& host,
                                        const FleetEventFn& emit) {
  DM_ASSIGN_OR_RETURN(Inventory inventory, TakeInventory(env_, fleet.file));
  if (!inventory.Wants(host) || inventory.ServerOf(host) == nullptr) {
    return absl::NotFoundError(absl::StrCat(host, " is not a server of fleet ", fleet.file.name));
  }
  DM_ASSIGN_OR_RETURN(FleetContext context, ContextFor(env_, fleet, fleet.record.commit));
  return ConvergeHosts(env_, fleet.file, inventory, context, {host}, emit);
}

absl::Status HealOperations::SetOutOfService(LoadedFleet& fleet, const std::set<std::string>& out,
                                             const FleetEventFn& emit) {
  // Kept first: an operation that converges the balancers later keeps the same upstreams.
  fleet.record.out_of_service = out;
  fleet.record.updated = env_.clock->Now();
  DM_RETURN_IF_ERROR(env_.store->SaveFleet(fleet.record));
  DM_ASSIGN_OR_RETURN(Inventory inventory, TakeInventory(env_, fleet.file));
  std::vector<std::string> balancers;
  for (const FleetHost& host : inventory.hosts) {
    if (host.Provides(Service::kLoadBalancer) && inventory.ServerOf(host.name) != nullptr)
      balancers.push_back(host.name);
  }
  if (balancers.empty()) return absl::OkStatus();
  DM_ASSIGN_OR_RETURN(FleetContext context, ContextFor(env_, fleet, fleet.record.commit));
  return ConvergeHosts(env_, fleet.file, inventory, context, balancers, emit);
}

absl::Status HealOperations::Replace(LoadedFleet& fleet, const std::string& host,
                                     const FleetEventFn& emit, std::string* note) {
  // The place `host` holds.
  std::string slot;
  bool database = false;
  for (const FleetHost& h : DesiredHosts(fleet.file)) {
    if (h.name != host) continue;
    slot = FleetServerName(fleet.file.name, h.role, h.index);
    database = h.Provides(Service::kDatabase);
  }
  DM_ASSIGN_OR_RETURN(Inventory before, TakeInventory(env_, fleet.file));
  if (slot.empty()) {
    // Not a place of the fleet: the old server of a replacement that was interrupted after its
    // successor was named. Finish it: up brings the successor to serving, then the old goes.
    if (before.servers.count(host) == 0) {
      return absl::NotFoundError(absl::StrCat(host, " is not a server of fleet ", fleet.file.name));
    }
    emit(FleetEventOf(host, "replace", dm::v1::STEP_RUNNING, "finishing its replacement"));
    DM_RETURN_IF_ERROR(UpOperation(env_).Run(fleet, UpOptions{}, emit));
    return env_.world->DestroyServer(host);
  }
  const std::string successor = ReplacementName(slot, host);
  emit(FleetEventOf(host, "replace", dm::v1::STEP_RUNNING, absl::StrCat("by ", successor)));
  if (successor == slot)
    fleet.record.replacements.erase(slot);
  else
    fleet.record.replacements[slot] = successor;
  fleet.record.out_of_service.erase(host);
  fleet.record.updated = env_.clock->Now();
  DM_RETURN_IF_ERROR(env_.store->SaveFleet(fleet.record));
  fleet.file.server_names = fleet.record.replacements;

  // Up boots the successor (the old server is surplus from now on), converges and wires every
  // host, points DNS at the load balancers and fetches the site through them.
  UpOptions options;
  if (database) options.restore = "latest";
  FleetEventFn watch = [&](const dm::v1::FleetEvent& event) {
    if (event.phase() == "restore" && event.status() == dm::v1::STEP_CHANGED && note != nullptr)
      *note = event.message();
    emit(event);
  };
  DM_RETURN_IF_ERROR(UpOperation(env_).Run(fleet, options, watch));
  emit(FleetEventOf(host, "replace", dm::v1::STEP_RUNNING,
                    absl::StrCat(successor, " serves; destroying ", host)));
  DM_RETURN_IF_ERROR(env_.world->DestroyServer(host));
  emit(FleetEventOf(successor, "replace", dm::v1::STEP_CHANGED, absl::StrCat("replaced ", host)));
  return absl::OkStatus();
}

}  // namespace dm
