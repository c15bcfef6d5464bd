// dmctl split: the seed's growth path. A fleet started as one dbappbalancer becomes an
// appbalancer and a separate dbserver, without losing a row:
//   1. the two new servers boot, are bootstrapped and converged (the app against the new, empty
//      database: nobody sees it yet);
//   2. the old server shows the maintenance page (downtime starts: nobody writes any more);
//   3. its database is dumped, restored into the new dbserver in one transaction, and the rows of
//      every table are counted on both sides: any difference stops the split, and the old
//      server serves again as before;
//   4. DNS points at the new appbalancer, which must serve the site (downtime ends);
//   5. the fleet's file says appbalancer + dbserver; the old server stays in maintenance for
//      clients that still have its address, then is destroyed.
// The next split takes the appbalancer apart (fleet_split_balancer.cc).
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/status_macros.h"
#include "controller/fleet/fleet_events.h"
#include "controller/fleet/fleet_reconciler.h"

namespace dm {
namespace {

constexpr uint32_t kDefaultKeepOldSeconds = 60;  // the records' TTL

}  // namespace

absl::Duration FleetReconciler::KeepOld(const dm::v1::SplitRequest& request) {
  return absl::Seconds(request.has_keep_old_seconds() ? request.keep_old_seconds()
                                                      : kDefaultKeepOldSeconds);
}

absl::StatusOr<FleetHost> FleetReconciler::ServerToSplit(const Loaded& fleet,
                                                         const Inventory& inventory,
                                                         const std::string& role) {
  for (const FleetHost& h : inventory.hosts) {
    if (h.role == role && inventory.servers.count(h.name) &&
        WaitForAgent(h.name, absl::Seconds(30)))
      return h;
  }
  return absl::FailedPreconditionError(
      absl::StrCat("fleet ", fleet.file.name, " is not up (dmctl up first)"));
}

absl::StatusOr<FleetReconciler::Loaded> FleetReconciler::SplitLayout(const Loaded& old,
                                                                     const FleetRole& role,
                                                                     const std::string& renamed,
                                                                     const std::string& added,
                                                                     const FleetEventFn& emit) {
  // Valid before anything changes.
  Loaded split = old;
  DM_ASSIGN_OR_RETURN(split.record.file_text,
                      SplitRole(old.record.file_text, role, renamed, added));
  DM_ASSIGN_OR_RETURN(split.file, ParseFleetFile(split.record.file_text, old.record.file_path,
                                                 s_.converger->deploy_dir()));
  dm::v1::FleetEvent file =
      FleetEventOf("", "file", "changed", absl::StrCat(role.role, " -> ", renamed, " + ", added));
  file.set_file_text(split.record.file_text);
  emit(file);
  return split;
}

absl::Status FleetReconciler::Split(const dm::v1::SplitRequest& request,
                                    const FleetEventFn& on_event) {
  FleetEventFn emit = Serialized(on_event);
  DM_ASSIGN_OR_RETURN(Loaded old, Load(request.fleet()));
  DM_ASSIGN_OR_RETURN(std::unique_ptr<Busy> busy, Claim(old.file.name));
  const FleetRole* combined = nullptr;
  const FleetRole* balancing = nullptr;
  for (const FleetRole& r : old.file.roles) {
    if (r.count > 0 && r.Provides(Service::kDatabase) && r.Provides(Service::kApp)) combined = &r;
    if (r.count > 0 && r.Provides(Service::kApp) && r.Provides(Service::kLoadBalancer))
      balancing = &r;
  }
  // The second step: the app and the load balancer on servers of their own.
  if (combined == nullptr && balancing != nullptr && balancing->count == 1) {
    return SplitBalancer(old, *balancing, request, emit);
  }
  if (combined == nullptr || combined->count != 1) {
    return absl::FailedPreconditionError(absl::StrCat(
        "fleet ", old.file.name,
        " has no single server holding its database and app (a dbappbalancer) or its app "
        "and load balancer (an appbalancer): there is nothing to split"));
  }
  DM_ASSIGN_OR_RETURN(Inventory before, Take(old.file));
  DM_ASSIGN_OR_RETURN(const FleetHost old_server, ServerToSplit(old, before, combined->role));
  const FleetHost* old_host = &old_server;
  DM_ASSIGN_OR_RETURN(Loaded split, SplitLayout(old, *combined, "appbalancer", "dbserver", emit));

  // 1. The new servers, converged beside the old one.
  DM_ASSIGN_OR_RETURN(Inventory after, Provision(split, emit));
  DM_ASSIGN_OR_RETURN(FleetContext context, Context(split, split.record.commit));
  DM_RETURN_IF_ERROR(ConvergeInOrder(split, after, context, emit));
  DM_ASSIGN_OR_RETURN(const FleetHost* new_db, DatabaseHost(after));

  // 2. Downtime starts: the old server stops taking writes.
  const absl::Time down_from = absl::Now();
  DM_RETURN_IF_ERROR(SetMaintenance(old, before, true, emit));
  auto give_back = [&](const absl::Status& why) {
    absl::Status back = SetMaintenance(old, before, false, emit);
    emit(FleetEventOf(old_host->name, "split", "failed", std::string(why.message())));
    return absl::Status(
        why.code(),
        absl::StrCat("split stopped: ", why.message(), "; ", old_host->name,
                     back.ok() ? " serves the site again as before"
                               : absl::StrCat(" is still in maintenance: ", back.message())));
  };

  // 3. The database moves; every table's rows are counted on both sides.
  HostDatabase from = DatabaseOn(old.file, old_host->name);
  HostDatabase to = DatabaseOn(split.file, new_db->name);
  absl::StatusOr<std::map<std::string, int64_t>> rows_before = from.CountRows();
  if (!rows_before.ok()) return give_back(rows_before.status());
  emit(FleetEventOf(old_host->name, "split", "running",
                    absl::StrCat("dumping (", DescribeRows(*rows_before), ")")));
  absl::StatusOr<std::string> dump = from.Dump();
  if (!dump.ok()) return give_back(dump.status());
  emit(FleetEventOf(new_db->name, "split", "running",
                    absl::StrCat("restoring ", dump->size(), " bytes")));
  if (absl::Status restored = to.Restore(std::move(*dump)); !restored.ok())
    return give_back(restored);
  absl::StatusOr<std::map<std::string, int64_t>> rows_after = to.CountRows();
  if (!rows_after.ok()) return give_back(rows_after.status());
  if (*rows_after != *rows_before) {
    return give_back(
        absl::DataLossError(absl::StrCat("rows differ after the move: ", DescribeRows(*rows_before),
                                         " before, ", DescribeRows(*rows_after), " after")));
  }
  emit(FleetEventOf(new_db->name, "split", "changed",
                    absl::StrCat("rows ", DescribeRows(*rows_after), " (as before)")));

  // 4. DNS to the new load balancer, which must serve the site.
  if (absl::Status s = PointDns(split.file, after.hosts, emit); !s.ok()) return give_back(s);
  if (absl::Status s = CheckSite(split.file, after.hosts, emit); !s.ok()) return give_back(s);
  const absl::Duration downtime = absl::Now() - down_from;

  // 5. The fleet is the new layout now.
  split.record.maintenance = false;
  split.record.updated = absl::Now();
  DM_RETURN_IF_ERROR(s_.store->SaveFleet(split.record));
  const absl::Duration keep = KeepOld(request);
  emit(FleetEventOf(old_host->name, "split", "running",
                    absl::StrCat("in maintenance for ", absl::FormatDuration(keep),
                                 " more (clients with its address), then destroyed")));
  absl::SleepFor(keep);
  DM_RETURN_IF_ERROR(s_.servers->Destroy(old_host->name));
  emit(FleetEventOf(old_host->name, "destroy", "changed", "destroyed"));
  std::string summary =
      absl::StrCat("downtime ", absl::FormatDuration(absl::Trunc(downtime, absl::Milliseconds(10))),
                   "; rows ", DescribeRows(*rows_before), " before and after");
  emit(FleetEventOf("", "split", "changed", summary));
  Audit("fleet.split", old.file.name, summary);
  return absl::OkStatus();
}

}  // namespace dm
