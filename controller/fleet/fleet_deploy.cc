// dmctl deploy / rollback: a new app commit rolled out one app node at a time. Each node leaves
// the load balancers (when another node can serve meanwhile), converges to the new commit (the
// first node runs the migrations), must answer /health with the new commit at /version, and
// rejoins. A node that fails stops the rollout and every node that moved goes back, so one
// revision, the old one, keeps serving.
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/status_macros.h"
#include "controller/fleet/fleet_events.h"
#include "controller/fleet/fleet_reconciler.h"

namespace dm {
namespace {

// A restarted gunicorn takes a moment to answer.
constexpr absl::Duration kAppWait = absl::Seconds(45);

std::string Short(const std::string& commit) { return commit.substr(0, 12); }

}  // namespace

absl::Status FleetReconciler::CheckApp(const FleetHost& host, const std::string& commit,
                                       const FleetEventFn& emit) {
  // Through nginx when the host balances itself (its app port is not open to others).
  std::string base = host.Provides(Service::kLoadBalancer)
                         ? absl::StrCat("http://", host.address)
                         : absl::StrCat("http://", host.address, ":8000");
  std::string last;
  for (absl::Time deadline = absl::Now() + kAppWait; absl::Now() < deadline;
       absl::SleepFor(absl::Milliseconds(300))) {
    HttpRequest health;
    health.url = base + "/health";
    health.timeout = absl::Seconds(5);
    absl::StatusOr<HttpResponse> h = s_.http->Send(health);
    if (!h.ok() || h->status != 200) {
      last = h.ok() ? absl::StrCat("/health answered HTTP ", h->status)
                    : std::string(h.status().message());
      continue;
    }
    HttpRequest version = health;
    version.url = base + "/version";
    absl::StatusOr<HttpResponse> v = s_.http->Send(version);
    std::string running = v.ok() ? std::string(absl::StripAsciiWhitespace(v->body)) : "";
    if (running == commit) {
      emit(
          FleetEventOf(host.name, "check", "ok", absl::StrCat("healthy, running ", Short(commit))));
      return absl::OkStatus();
    }
    last = absl::StrCat("/version says ", running.empty() ? "nothing" : running, ", not ",
                        Short(commit));
  }
  emit(FleetEventOf(host.name, "check", "failed", last));
  return absl::UnavailableError(absl::StrCat(host.name, ": ", last));
}

absl::Status FleetReconciler::Deploy(const dm::v1::DeployFleetRequest& request,
                                     const FleetEventFn& on_event) {
  FleetEventFn emit = Serialized(on_event);
  DM_ASSIGN_OR_RETURN(Loaded fleet, Load(request.fleet()));
  DM_ASSIGN_OR_RETURN(std::unique_ptr<Busy> busy, Claim(fleet.file.name));
  if (!fleet.known || fleet.record.commit.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("fleet ", fleet.file.name, " was never up: dmctl up first"));
  }
  const std::string old = fleet.record.commit;
  std::string target;
  if (request.rollback()) {
    if (fleet.record.previous_commit.empty()) {
      return absl::FailedPreconditionError(
          absl::StrCat("fleet ", fleet.file.name, " has no earlier deploy to go back to"));
    }
    target = fleet.record.previous_commit;
  } else {
    std::string revision =
        request.revision().empty() ? fleet.file.app.revision : request.revision();
    emit(FleetEventOf("", "app", "running", absl::StrCat("fetching ", fleet.file.app.repository)));
    DM_ASSIGN_OR_RETURN(target,
                        s_.apps->Sync(fleet.file.name, fleet.file.app.repository, revision));
  }
  if (target == old) {
    emit(FleetEventOf("", "app", "ok", absl::StrCat("already running ", Short(old))));
    return absl::OkStatus();
  }
  DM_RETURN_IF_ERROR(s_.apps->Pin(fleet.file.name, target));
  emit(FleetEventOf("", "app", "running",
                    absl::StrCat("rolling ", Short(old), " -> ", Short(target))));

  DM_ASSIGN_OR_RETURN(Inventory inventory, Take(fleet.file));
  std::vector<const FleetHost*> apps, balancers;
  for (const FleetHost& host : inventory.hosts) {
    if (!inventory.servers.count(host.name) || !WaitForAgent(host.name, absl::Seconds(30))) {
      return absl::FailedPreconditionError(absl::StrCat(host.name, " is not up (dmctl up first)"));
    }
    if (host.Provides(Service::kApp)) apps.push_back(&host);
    if (host.Provides(Service::kLoadBalancer)) balancers.push_back(&host);
  }
  DM_ASSIGN_OR_RETURN(FleetContext context, Context(fleet, old));
  std::vector<std::string> balancer_names;
  for (const FleetHost* b : balancers) balancer_names.push_back(b->name);
  auto rewire = [&]() { return ConvergeHosts(fleet, inventory, context, balancer_names, emit); };

  std::vector<const FleetHost*> moved;
  absl::Status failure;
  for (const FleetHost* app : apps) {
    // With one app node there is nobody to take over: it restarts in place.
    bool drain = apps.size() > 1 && !app->Provides(Service::kLoadBalancer);
    if (drain) {
      context.drained = {app->name};
      emit(FleetEventOf(app->name, "drain", "running", "out of the load balancers"));
      if (failure = rewire(); !failure.ok()) break;
    }
    context.host_commits[app->name] = target;
    moved.push_back(app);
    emit(FleetEventOf(app->name, "deploy", "running", absl::StrCat("to ", Short(target))));
    failure = ConvergeHosts(fleet, inventory, context, {app->name}, emit);
    if (failure.ok()) failure = CheckApp(*app, target, emit);
    if (!failure.ok()) break;
    emit(FleetEventOf(app->name, "deploy", "changed", absl::StrCat("running ", Short(target))));
    if (drain) {
      context.drained.clear();
      if (failure = rewire(); !failure.ok()) break;
    }
  }
  if (!failure.ok()) {
    // Back to one revision, the old one: every node that moved returns, then all rejoin.
    emit(FleetEventOf("", "deploy", "failed", absl::StrCat("stopping: ", failure.message())));
    for (const FleetHost* app : moved) {
      context.host_commits[app->name] = old;
      emit(FleetEventOf(app->name, "deploy", "running", absl::StrCat("back to ", Short(old))));
      absl::Status back = ConvergeHosts(fleet, inventory, context, {app->name}, emit);
      if (back.ok()) back = CheckApp(*app, old, emit);
      emit(FleetEventOf(
          app->name, "deploy", back.ok() ? "ok" : "failed",
          back.ok() ? absl::StrCat("running ", Short(old)) : std::string(back.message())));
    }
    context.drained.clear();
    absl::Status rejoined = rewire();
    Audit("fleet.deploy.failed", fleet.file.name,
          absl::StrCat(Short(target), ": ", failure.message()));
    return absl::AbortedError(absl::StrCat(
        "deploy of ", Short(target), " stopped: ", failure.message(), "; ", Short(old),
        " keeps serving",
        rejoined.ok() ? "" : absl::StrCat(" (rewiring failed: ", rejoined.message(), ")")));
  }
  fleet.record.previous_commit = old;
  fleet.record.commit = target;
  fleet.record.updated = absl::Now();
  DM_RETURN_IF_ERROR(s_.store->SaveFleet(fleet.record));
  Audit(request.rollback() ? "fleet.rollback" : "fleet.deploy", fleet.file.name,
        absl::StrCat(Short(old), " -> ", Short(target)));
  // Every app node runs the new commit: the balancers' static files follow (until now, what
  // they lacked came from the app nodes).
  context.app_commit = target;
  if (absl::Status statics = rewire(); !statics.ok()) {
    return absl::AbortedError(
        absl::StrCat(Short(target), " serves, but the load balancers' static files stay at ",
                     Short(old), ": ", statics.message(), " (dmctl up retries)"));
  }
  emit(FleetEventOf("", "deploy", "changed",
                    absl::StrCat(Short(target), " serves on ", apps.size(), " app nodes")));
  return absl::OkStatus();
}

}  // namespace dm
