#include "controller/fleet/operations/deploy.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status_macros.h"
#include "controller/fleet/steps/checks.h"
#include "controller/fleet/steps/converge_hosts.h"
#include "controller/fleet/steps/health_gate.h"
#include "controller/fleet/steps/inventory.h"

namespace dm {
namespace {

using dm::v1::STEP_CHANGED;
using dm::v1::STEP_FAILED;
using dm::v1::STEP_OK;
using dm::v1::STEP_RUNNING;

}  // namespace

absl::Status DeployOperation::Run(LoadedFleet& fleet, const DeployOptions& options,
                                  const FleetEventFn& emit) {
  if (!fleet.known || fleet.record.commit.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("fleet ", fleet.file.name, " was never up: dmctl up first"));
  }
  const std::string old = fleet.record.commit;
  // The healer's return to the last healthy commit moves every node whatever its checks say.
  const bool restoring = !options.commit.empty();
  std::string target;
  if (restoring) {
    target = options.commit;
  } else if (options.rollback) {
    if (fleet.record.previous_commit.empty()) {
      return absl::FailedPreconditionError(
          absl::StrCat("fleet ", fleet.file.name, " has no earlier deploy to go back to"));
    }
    target = fleet.record.previous_commit;
  } else {
    const std::string revision =
        options.revision.empty() ? fleet.file.app.revision : options.revision;
    emit(FleetEventOf("", "app", STEP_RUNNING,
                      absl::StrCat("fetching ", fleet.file.app.repository)));
    DM_ASSIGN_OR_RETURN(target,
                        env_.world->SyncApp(fleet.file.name, fleet.file.app.repository, revision));
  }
  if (target == old) {
    emit(FleetEventOf("", "app", STEP_OK, absl::StrCat("already running ", ShortCommit(old))));
    return absl::OkStatus();
  }
  DM_RETURN_IF_ERROR(env_.world->PinApp(fleet.file.name, target));
  emit(FleetEventOf("", "app", STEP_RUNNING,
                    absl::StrCat("rolling ", ShortCommit(old), " -> ", ShortCommit(target),
                                 restoring ? absl::StrCat(" (", options.cause, ")") : "")));

  DM_ASSIGN_OR_RETURN(Inventory inventory, TakeInventory(env_, fleet.file));
  std::vector<const FleetHost*> apps;
  std::vector<std::string> balancers, app_names, workers;
  for (const FleetHost& host : inventory.hosts) {
    if (!inventory.ServerOf(host.name) || !WaitForAgent(env_, host.name, kAgentWait)) {
      return absl::FailedPreconditionError(absl::StrCat(host.name, " is not up (dmctl up first)"));
    }
    if (host.Provides(Service::kApp)) {
      apps.push_back(&host);
      app_names.push_back(host.name);
    }
    if (host.Provides(Service::kLoadBalancer)) balancers.push_back(host.name);
    if (host.Provides(Service::kTasks) && !host.Provides(Service::kApp))
      workers.push_back(host.name);
  }
  // What runs now is what the healer goes back to should the new commit turn the fleet unhealthy
  // within the watch window, if it passes its checks now.
  if (!restoring && fleet.record.healthy_commit != old && NoneFailing(env_, app_names)) {
    fleet.record.healthy_commit = old;
    DM_RETURN_IF_ERROR(env_.store->SaveFleet(fleet.record));
  }
  DM_ASSIGN_OR_RETURN(FleetContext context, ContextFor(env_, fleet, old));
  auto rewire = [&] {
    return ConvergeHosts(env_, fleet.file, inventory, context, balancers, emit);
  };

  std::vector<const FleetHost*> moved;
  std::vector<std::string> troubles;  // of a restoring deploy, which does not stop
  absl::Status failure;
  for (const FleetHost* app : apps) {
    // With one app node there is nobody to take over: it restarts in place.
    const bool drain = apps.size() > 1 && !app->Provides(Service::kLoadBalancer);
    if (drain) {
      context.drained.insert(app->name);
      emit(FleetEventOf(app->name, "drain", STEP_RUNNING, "out of the load balancers"));
      if (failure = rewire(); !failure.ok()) break;
    }
    GateRequest gate;
    gate.host = app->name;
    gate.settle = fleet.file.deploy.settle;
    for (const FleetHost* earlier : moved) gate.earlier.push_back(earlier->name);
    context.host_commits[app->name] = target;
    moved.push_back(app);
    emit(FleetEventOf(app->name, "deploy", STEP_RUNNING, absl::StrCat("to ", ShortCommit(target))));
    failure = ConvergeHosts(env_, fleet.file, inventory, context, {app->name}, emit);
    gate.converged = env_.clock->Now();
    if (failure.ok()) failure = CheckApp(env_, *app, target, emit);
    if (failure.ok() && !restoring) failure = AwaitHealthyChecks(env_, gate, emit);
    if (!failure.ok() && restoring) {
      troubles.push_back(std::string(failure.message()));
      failure = absl::OkStatus();
    }
    if (!failure.ok()) break;
    emit(FleetEventOf(app->name, "deploy", STEP_CHANGED,
                      absl::StrCat("running ", ShortCommit(target))));
    if (drain) {
      context.drained.erase(app->name);
      if (failure = rewire(); !failure.ok()) break;
    }
  }
  if (!failure.ok() && restoring) {
    // Only the load balancers failed (a node's troubles do not stop a return): going back to
    // the commit that fails would be no remedy. What moved stays; the record says what runs.
    Audit(fleet, "fleet.rollback", "failed",
          absl::StrCat(ShortCommit(old), " -> ", ShortCommit(target), " stopped after ",
                       moved.size(), " nodes: ", failure.message()));
    return absl::AbortedError(
        absl::StrCat("the return to ", ShortCommit(target), " stopped: ", failure.message()));
  }
  if (!failure.ok()) {
    // Back to one revision, the old one: every node that moved returns, then all rejoin.
    emit(FleetEventOf("", "deploy", STEP_FAILED, absl::StrCat("stopping: ", failure.message())));
    for (const FleetHost* app : moved) {
      context.host_commits[app->name] = old;
      emit(FleetEventOf(app->name, "deploy", STEP_RUNNING,
                        absl::StrCat("back to ", ShortCommit(old))));
      absl::Status back = ConvergeHosts(env_, fleet.file, inventory, context, {app->name}, emit);
      if (back.ok()) back = CheckApp(env_, *app, old, emit);
      emit(FleetEventOf(
          app->name, "deploy", back.ok() ? STEP_OK : STEP_FAILED,
          back.ok() ? absl::StrCat("running ", ShortCommit(old)) : std::string(back.message())));
    }
    context.drained = fleet.record.out_of_service;
    absl::Status rejoined = rewire();
    Audit(fleet, "fleet.deploy.failed", "failed",
          absl::StrCat(ShortCommit(target), " rolled back on ", moved.size(),
                       " nodes: ", failure.message()));
    return absl::AbortedError(absl::StrCat(
        "deploy of ", ShortCommit(target), " stopped: ", failure.message(), "; ", ShortCommit(old),
        " keeps serving",
        rejoined.ok() ? "" : absl::StrCat(" (rewiring failed: ", rejoined.message(), ")")));
  }
  fleet.record.previous_commit = old;
  fleet.record.commit = target;
  fleet.record.updated = env_.clock->Now();
  // The watch window starts; a return to the healthy commit has nothing left to watch.
  fleet.record.deployed_at = restoring ? absl::InfinitePast() : env_.clock->Now();
  DM_RETURN_IF_ERROR(env_.store->SaveFleet(fleet.record));
  Audit(fleet, restoring || options.rollback ? "fleet.rollback" : "fleet.deploy",
        troubles.empty() ? "succeeded" : "failed",
        absl::StrCat(ShortCommit(old), " -> ", ShortCommit(target),
                     restoring ? absl::StrCat(" because ", options.cause) : "",
                     troubles.empty() ? "" : absl::StrCat("; ", absl::StrJoin(troubles, "; "))));
  // Every app node runs the new commit: the balancers' static files follow (until now, what
  // they lacked came from the app nodes), and the task nodes take the new code together.
  context.app_commit = target;
  context.host_commits.clear();
  std::vector<std::string> followers = balancers;
  followers.insert(followers.end(), workers.begin(), workers.end());
  if (absl::Status follow = ConvergeHosts(env_, fleet.file, inventory, context, followers, emit);
      !follow.ok()) {
    return absl::AbortedError(absl::StrCat(
        ShortCommit(target), " serves, but the load balancers' static files or the task nodes ",
        "stay at ", ShortCommit(old), ": ", follow.message(), " (dmctl up retries)"));
  }
  if (!troubles.empty()) {
    return absl::UnavailableError(absl::StrCat(ShortCommit(target), " is back on every app node, ",
                                               "but: ", absl::StrJoin(troubles, "; ")));
  }
  emit(FleetEventOf("", "deploy", STEP_CHANGED,
                    absl::StrCat(ShortCommit(target), " serves on ", apps.size(), " app nodes")));
  return absl::OkStatus();
}

void DeployOperation::Audit(const LoadedFleet& fleet, const std::string& kind,
                            const std::string& outcome, const std::string& message) const {
  EventRecord event;
  event.kind = kind;
  event.fleet = fleet.file.name;
  event.subject = fleet.file.name;
  event.outcome = outcome;
  event.message = message;
  env_.audit->Record(std::move(event));
}

}  // namespace dm
