// dmctl maintenance FLEET on|off: the load balancers answer every request but their health
// check with the maintenance page (503), or serve the site again. The state is kept with the
// fleet, so that a later up does not turn it off behind the operator's back.
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/status_macros.h"
#include "controller/fleet/fleet_events.h"
#include "controller/fleet/fleet_reconciler.h"

namespace dm {

absl::Status FleetReconciler::SetMaintenance(Loaded& fleet, const Inventory& inventory, bool on,
                                             const FleetEventFn& emit) {
  fleet.record.maintenance = on;
  fleet.record.updated = absl::Now();
  DM_RETURN_IF_ERROR(s_.store->SaveFleet(fleet.record));
  std::vector<std::string> balancers;
  for (const FleetHost& host : inventory.hosts) {
    if (host.Provides(Service::kLoadBalancer) && inventory.servers.count(host.name))
      balancers.push_back(host.name);
  }
  if (balancers.empty()) return absl::OkStatus();
  DM_ASSIGN_OR_RETURN(FleetContext context, Context(fleet, fleet.record.commit));
  DM_RETURN_IF_ERROR(ConvergeHosts(fleet, inventory, context, balancers, emit));
  // nginx reloads gracefully: wait until new requests see the new configuration.
  for (const FleetHost& host : inventory.hosts) {
    if (!host.Provides(Service::kLoadBalancer) || host.address.empty()) continue;
    HttpRequest probe;
    probe.url = absl::StrCat("http://", host.address, "/");
    probe.timeout = absl::Seconds(5);
    long status = 0;
    for (absl::Time deadline = absl::Now() + absl::Seconds(20); absl::Now() < deadline;) {
      absl::StatusOr<HttpResponse> r = s_.http->Send(probe);
      status = r.ok() ? r->status : 0;
      if ((on && status == 503) || (!on && status != 503 && status != 0)) break;
      absl::SleepFor(absl::Milliseconds(100));
    }
    emit(FleetEventOf(
        host.name, "maintenance", on == (status == 503) ? "changed" : "failed",
        absl::StrCat(on ? "maintenance page on" : "serving the site", " (HTTP ", status, ")")));
  }
  return absl::OkStatus();
}

absl::Status FleetReconciler::Maintenance(const dm::v1::MaintenanceRequest& request,
                                          const FleetEventFn& on_event) {
  FleetEventFn emit = Serialized(on_event);
  DM_ASSIGN_OR_RETURN(Loaded fleet, Load(request.fleet()));
  if (!fleet.known)
    return absl::FailedPreconditionError(absl::StrCat("fleet ", fleet.file.name, " was never up"));
  DM_ASSIGN_OR_RETURN(std::unique_ptr<Busy> busy, Claim(fleet.file.name));
  DM_ASSIGN_OR_RETURN(Inventory inventory, Take(fleet.file));
  DM_RETURN_IF_ERROR(SetMaintenance(fleet, inventory, request.on(), emit));
  Audit(request.on() ? "fleet.maintenance.on" : "fleet.maintenance.off", fleet.file.name, "");
  return absl::OkStatus();
}

}  // namespace dm
