// dmctl split, second step: a fleet's appbalancer becomes a loadbalancer and an appnode, so that
// app nodes can then be scaled behind their own load balancer. No data moves (the database is
// on its dbserver already), so there is no maintenance:
//   1. the new servers boot, are bootstrapped and converged; meanwhile the database admits the
//      old server and the new app node both, and the new load balancer sends to the new node;
//   2. DNS points at the new load balancer, which must serve the site;
//   3. the file says loadbalancer + appnode; the old server keeps serving clients that still
//      have its address (--keep-old), is destroyed, and the database forgets it.
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/status_macros.h"
#include "controller/fleet/fleet_events.h"
#include "controller/fleet/fleet_reconciler.h"

namespace dm {

absl::Status FleetReconciler::SplitBalancer(Loaded& old, const FleetRole& role,
                                            const dm::v1::SplitRequest& request,
                                            const FleetEventFn& emit) {
  if (old.file.Find("loadbalancer") != nullptr || old.file.Find("appnode") != nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("fleet ", old.file.name, " has ", role.role,
                     " beside loadbalancer or appnode servers: split it by hand"));
  }
  DM_ASSIGN_OR_RETURN(Inventory before, Take(old.file));
  // Until it goes, the old server is one more app client of the database, and nothing else (its
  // cache goes with it: the new app node must not come to depend on it).
  DM_ASSIGN_OR_RETURN(FleetHost leaving, ServerToSplit(old, before, role.role));
  leaving.provides = {Service::kApp};
  DM_ASSIGN_OR_RETURN(Loaded split, SplitLayout(old, role, "loadbalancer", "appnode", emit));

  // 1. The new servers beside the old one, which stays wired (database clients) but out of the
  //    new load balancer.
  DM_ASSIGN_OR_RETURN(Inventory after, Provision(split, emit));
  Inventory meanwhile = after;
  meanwhile.hosts.push_back(leaving);  // last: the new app node runs the migrations
  DM_ASSIGN_OR_RETURN(FleetContext context, Context(split, split.record.commit));
  context.drained = {leaving.name};
  for (int stage = 0; stage < 4; ++stage) {
    std::vector<std::string> names;
    for (const FleetHost& h : after.hosts) {
      if (h.stage() == stage) names.push_back(h.name);
    }
    if (!names.empty()) DM_RETURN_IF_ERROR(ConvergeHosts(split, meanwhile, context, names, emit));
  }

  // 2. DNS to the new load balancer, which must serve the site.
  DM_RETURN_IF_ERROR(PointDns(split.file, after.hosts, emit));
  DM_RETURN_IF_ERROR(CheckSite(split.file, after.hosts, emit));

  // 3. The new layout; the old server goes, and the database forgets it.
  split.record.updated = absl::Now();
  DM_RETURN_IF_ERROR(s_.store->SaveFleet(split.record));
  const absl::Duration keep = KeepOld(request);
  emit(FleetEventOf(leaving.name, "split", "running",
                    absl::StrCat("serving for ", absl::FormatDuration(keep),
                                 " more (clients with its address), then destroyed")));
  absl::SleepFor(keep);
  DM_RETURN_IF_ERROR(s_.servers->Destroy(leaving.name));
  emit(FleetEventOf(leaving.name, "destroy", "changed", "destroyed"));
  DM_ASSIGN_OR_RETURN(context, Context(split, split.record.commit));
  std::vector<std::string> databases;
  for (const FleetHost& h : after.hosts) {
    if (h.Provides(Service::kDatabase)) databases.push_back(h.name);
  }
  if (!databases.empty()) DM_RETURN_IF_ERROR(ConvergeHosts(split, after, context, databases, emit));
  std::string summary =
      absl::StrCat(role.role, " -> loadbalancer + appnode; no downtime (no data moved)");
  emit(FleetEventOf("", "split", "changed", summary));
  Audit("fleet.split", old.file.name, summary);
  return absl::OkStatus();
}

}  // namespace dm
