#include "controller/fleet/operations/split.h"

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "controller/fleet/steps/checks.h"
#include "controller/fleet/steps/converge_hosts.h"
#include "controller/fleet/steps/database.h"
#include "controller/fleet/steps/dns.h"
#include "controller/fleet/steps/maintenance.h"
#include "controller/fleet/steps/provision.h"

namespace dm {
namespace {

using dm::v1::STEP_CHANGED;
using dm::v1::STEP_FAILED;
using dm::v1::STEP_RUNNING;

}  // namespace

absl::Status SplitOperation::Run(LoadedFleet& fleet, absl::Duration keep_old,
                                 const FleetEventFn& emit) {
  const FleetRole* combined = nullptr;
  const FleetRole* balancing = nullptr;
  for (const FleetRole& r : fleet.file.roles) {
    if (r.count > 0 && r.Provides(Service::kDatabase) && r.Provides(Service::kApp)) combined = &r;
    if (r.count > 0 && r.Provides(Service::kApp) && r.Provides(Service::kLoadBalancer)) {
      balancing = &r;
    }
  }
  if (combined != nullptr && combined->count == 1) {
    return SplitDatabase(fleet, *combined, keep_old, emit);
  }
  if (combined == nullptr && balancing != nullptr && balancing->count == 1) {
    return SplitBalancer(fleet, *balancing, keep_old, emit);
  }
  return absl::FailedPreconditionError(absl::StrCat(
      "fleet ", fleet.file.name,
      " has no single server holding its database and app (a dbappbalancer) or its app and load "
      "balancer (an appbalancer): there is nothing to split"));
}

absl::StatusOr<FleetHost> SplitOperation::ServerToSplit(const LoadedFleet& fleet,
                                                        const Inventory& inventory,
                                                        const std::string& role) {
  for (const FleetHost& h : inventory.hosts) {
    if (h.role == role && inventory.ServerOf(h.name) && WaitForAgent(env_, h.name, kAgentWait)) {
      return h;
    }
  }
  return absl::FailedPreconditionError(
      absl::StrCat("fleet ", fleet.file.name, " is not up (dmctl up first)"));
}

absl::Status SplitOperation::Replace(LoadedFleet& split, const std::string& old_server,
                                     const std::string& meanwhile, absl::Duration keep_old,
                                     const FleetEventFn& emit) {
  split.record.updated = env_.clock->Now();
  DM_RETURN_IF_ERROR(env_.store->SaveFleet(split.record));
  emit(FleetEventOf(old_server, "split", STEP_RUNNING,
                    absl::StrCat(meanwhile, " for ", absl::FormatDuration(keep_old),
                                 " more (clients with its address), then destroyed")));
  env_.clock->SleepFor(keep_old);
  DM_RETURN_IF_ERROR(env_.world->DestroyServer(old_server));
  emit(FleetEventOf(old_server, "destroy", STEP_CHANGED, "destroyed"));
  return absl::OkStatus();
}

absl::StatusOr<LoadedFleet> SplitOperation::SplitLayout(const LoadedFleet& old,
                                                        const FleetRole& role,
                                                        const std::string& renamed,
                                                        const std::string& added,
                                                        const FleetEventFn& emit) {
  LoadedFleet split = old;
  DM_ASSIGN_OR_RETURN(split.record.file_text,
                      SplitRole(old.record.file_text, role, renamed, added));
  DM_ASSIGN_OR_RETURN(split.file, ParseFleetFile(split.record.file_text, old.record.file_path,
                                                 old.file.deploy_dir));
  dm::v1::FleetEvent file = FleetEventOf("", "file", STEP_CHANGED,
                                         absl::StrCat(role.role, " -> ", renamed, " + ", added));
  file.set_file_text(split.record.file_text);
  emit(file);
  return split;
}

absl::Status SplitOperation::SplitDatabase(LoadedFleet& old, const FleetRole& role,
                                           absl::Duration keep_old, const FleetEventFn& emit) {
  DM_ASSIGN_OR_RETURN(Inventory before, TakeInventory(env_, old.file));
  DM_ASSIGN_OR_RETURN(const FleetHost old_host, ServerToSplit(old, before, role.role));
  DM_ASSIGN_OR_RETURN(LoadedFleet split, SplitLayout(old, role, "appbalancer", "dbserver", emit));

  // 1. The new servers, converged beside the old one.
  DM_ASSIGN_OR_RETURN(Inventory after, Provision(env_, split.file, /*apply=*/true, emit));
  DM_ASSIGN_OR_RETURN(FleetContext context, ContextFor(env_, split, split.record.commit));
  DM_RETURN_IF_ERROR(ConvergeInOrder(env_, split.file, after, context, /*apply=*/true, emit));
  DM_ASSIGN_OR_RETURN(const FleetHost* new_db, DatabaseHost(env_, after));

  // 2. Downtime starts: the old server stops taking writes.
  const absl::Time down_from = env_.clock->Now();
  DM_RETURN_IF_ERROR(SetMaintenance(env_, old, before, true, emit));
  auto give_back = [&](const absl::Status& why) {
    absl::Status back = SetMaintenance(env_, old, before, false, emit);
    emit(FleetEventOf(old_host.name, "split", STEP_FAILED, std::string(why.message())));
    return absl::Status(
        why.code(),
        absl::StrCat("split stopped: ", why.message(), "; ", old_host.name,
                     back.ok() ? " serves the site again as before"
                               : absl::StrCat(" is still in maintenance: ", back.message())));
  };

  // 3. The database moves; every table's rows are counted on both sides.
  const DatabaseRef from = DatabaseOn(old.file, old_host.name);
  const DatabaseRef to = DatabaseOn(split.file, new_db->name);
  absl::StatusOr<RowCounts> rows_before = env_.world->CountRows(from);
  if (!rows_before.ok()) return give_back(rows_before.status());
  emit(FleetEventOf(old_host.name, "split", STEP_RUNNING,
                    absl::StrCat("dumping (", DescribeRows(*rows_before), ")")));
  absl::StatusOr<std::string> dump = env_.world->DumpDatabase(from);
  if (!dump.ok()) return give_back(dump.status());
  emit(FleetEventOf(new_db->name, "split", STEP_RUNNING,
                    absl::StrCat("restoring ", dump->size(), " bytes")));
  if (absl::Status restored = env_.world->RestoreDatabase(to, std::move(*dump)); !restored.ok()) {
    return give_back(restored);
  }
  absl::StatusOr<RowCounts> rows_after = env_.world->CountRows(to);
  if (!rows_after.ok()) return give_back(rows_after.status());
  if (*rows_after != *rows_before) {
    return give_back(
        absl::DataLossError(absl::StrCat("rows differ after the move: ", DescribeRows(*rows_before),
                                         " before, ", DescribeRows(*rows_after), " after")));
  }
  emit(FleetEventOf(new_db->name, "split", STEP_CHANGED,
                    absl::StrCat("rows ", DescribeRows(*rows_after), " (as before)")));

  // 4. DNS to the new load balancer, which must serve the site.
  if (absl::Status s = PointDns(env_, split.file, after.hosts, /*apply=*/true, emit); !s.ok()) {
    return give_back(s);
  }
  if (absl::Status s = CheckSite(env_, split.file, after.hosts, /*maintenance=*/false, emit);
      !s.ok()) {
    return give_back(s);
  }
  const absl::Duration downtime = env_.clock->Now() - down_from;

  // 5. The fleet is the new layout now.
  split.record.maintenance = false;
  DM_RETURN_IF_ERROR(Replace(split, old_host.name, "in maintenance", keep_old, emit));
  const std::string summary =
      absl::StrCat("downtime ", absl::FormatDuration(absl::Trunc(downtime, absl::Milliseconds(10))),
                   "; rows ", DescribeRows(*rows_before), " before and after");
  emit(FleetEventOf("", "split", STEP_CHANGED, summary));
  env_.audit->Record("fleet.split", old.file.name, summary);
  return absl::OkStatus();
}

absl::Status SplitOperation::SplitBalancer(LoadedFleet& old, const FleetRole& role,
                                           absl::Duration keep_old, const FleetEventFn& emit) {
  if (old.file.Find("loadbalancer") != nullptr || old.file.Find("appnode") != nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("fleet ", old.file.name, " has ", role.role,
                     " beside loadbalancer or appnode servers: split it by hand"));
  }
  DM_ASSIGN_OR_RETURN(Inventory before, TakeInventory(env_, old.file));
  // Until it goes, the old server is one more app client of the database, and nothing else (its
  // cache goes with it: the new app node must not come to depend on it).
  DM_ASSIGN_OR_RETURN(FleetHost leaving, ServerToSplit(old, before, role.role));
  leaving.provides = {Service::kApp};
  DM_ASSIGN_OR_RETURN(LoadedFleet split, SplitLayout(old, role, "loadbalancer", "appnode", emit));

  // 1. The new servers beside the old one, which stays wired (a database client) but out of
  //    the new load balancer.
  DM_ASSIGN_OR_RETURN(Inventory after, Provision(env_, split.file, /*apply=*/true, emit));
  Inventory meanwhile = after;
  meanwhile.hosts.push_back(leaving);  // last: the new app node runs the migrations
  DM_ASSIGN_OR_RETURN(FleetContext context, ContextFor(env_, split, split.record.commit));
  context.drained.insert(leaving.name);
  std::vector<std::string> new_hosts;
  for (const FleetHost& h : after.hosts) new_hosts.push_back(h.name);
  DM_RETURN_IF_ERROR(ConvergeStages(env_, split.file, meanwhile, context, new_hosts, emit));

  // 2. DNS to the new load balancer, which must serve the site.
  DM_RETURN_IF_ERROR(PointDns(env_, split.file, after.hosts, /*apply=*/true, emit));
  DM_RETURN_IF_ERROR(CheckSite(env_, split.file, after.hosts, /*maintenance=*/false, emit));

  // 3. The new layout; the old server goes, and the database forgets it.
  DM_RETURN_IF_ERROR(Replace(split, leaving.name, "serving", keep_old, emit));
  DM_ASSIGN_OR_RETURN(context, ContextFor(env_, split, split.record.commit));
  std::vector<std::string> databases;
  for (const FleetHost& h : after.hosts) {
    if (h.Provides(Service::kDatabase)) databases.push_back(h.name);
  }
  if (!databases.empty()) {
    DM_RETURN_IF_ERROR(ConvergeHosts(env_, split.file, after, context, databases, emit));
  }
  const std::string summary =
      absl::StrCat(role.role, " -> loadbalancer + appnode; no downtime (no data moved)");
  emit(FleetEventOf("", "split", STEP_CHANGED, summary));
  env_.audit->Record("fleet.split", old.file.name, summary);
  return absl::OkStatus();
}

}  // namespace dm
