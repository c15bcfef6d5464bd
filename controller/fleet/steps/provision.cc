#include "controller/fleet/steps/provision.h"

#include "absl/strings/str_cat.h"
#include "common/failpoint.h"
#include "common/status_macros.h"

namespace dm {
namespace {

using dm::v1::STEP_CHANGED;
using dm::v1::STEP_FAILED;
using dm::v1::STEP_OK;
using dm::v1::STEP_PLANNED;
using dm::v1::STEP_RUNNING;

}  // namespace

absl::Status BootMissing(const FleetEnv& env, const FleetFile& file, const Inventory& inventory,
                         bool apply, const FleetEventFn& emit) {
  std::vector<const FleetHost*> missing;
  for (const FleetHost& host : inventory.hosts) {
    const dm::v1::Server* server = inventory.ServerOf(host.name);
    // A cloud boot cut short (an error, a controller that died) is booted again: the provider
    // adopts the server it made, or makes it.
    const bool unfinished = server != nullptr && server->provider() != "local" &&
                            server->bootstrap() == dm::v1::BOOTSTRAP_NEVER &&
                            server->state() != dm::v1::SERVER_RUNNING;
    if (server == nullptr || unfinished) missing.push_back(&host);
  }
  if (!apply) {
    for (const FleetHost* host : missing) {
      emit(FleetEventOf(host->name, "boot", STEP_PLANNED,
                        absl::StrCat("boot a ", file.provider, " server for role ", host->role)));
    }
    return absl::OkStatus();
  }
  return ForEachInParallel(missing.size(), [&](size_t i) -> absl::Status {
    const FleetHost& host = *missing[i];
    emit(FleetEventOf(host.name, "boot", STEP_RUNNING,
                      absl::StrCat("booting a ", file.provider, " server")));
    BootRequest request;
    request.name = host.name;
    request.provider = file.provider;
    request.role = host.role;
    request.fleet = file.name;
    const ServerPlacement placement = file.PlacementOf(host.role);
    request.image = placement.image;
    request.size = placement.size;
    request.region = placement.region;
    // A cloud's firewall opens what the fleet's users reach: the load balancers' HTTP(S).
    if (host.Provides(Service::kLoadBalancer)) request.open_tcp_ports = {80, 443};
    absl::StatusOr<dm::v1::Server> server =
        env.world->BootServer(request, [&](const std::string& progress) {
          emit(FleetEventOf(host.name, "boot", STEP_RUNNING, progress));
        });
    if (!server.ok()) {
      emit(FleetEventOf(host.name, "boot", STEP_FAILED, std::string(server.status().message())));
      return absl::Status(server.status().code(),
                          absl::StrCat(host.name, ": boot: ", server.status().message()));
    }
    emit(FleetEventOf(host.name, "boot", STEP_CHANGED,
                      absl::StrCat("booted at ", server->address())));
    return absl::OkStatus();
  });
}

std::vector<PendingBootstrap> PendingBootstraps(const FleetEnv& env, const Inventory& inventory,
                                                absl::Duration reconnect_wait) {
  std::vector<PendingBootstrap> pending;
  for (const FleetHost& host : inventory.hosts) {
    const dm::v1::Server* server = inventory.ServerOf(host.name);
    if (server == nullptr || server->bootstrap() != dm::v1::BOOTSTRAP_DONE) {
      pending.push_back({host.name, "harden it and install its agent", ""});
    } else if (!WaitForAgent(env, host.name, reconnect_wait)) {
      // Its agent may be reconnecting after a blip: up gives it a moment first.
      pending.push_back(
          {host.name, "again, unless its agent reconnects first: it is not connected now", ""});
    } else if (std::string upgrade = AgentUpgrade(env, *server); !upgrade.empty()) {
      // This controller installs a newer agent: bootstrap again installs and restarts it.
      pending.push_back({host.name, absl::StrCat("upgrade its agent: ", upgrade), upgrade});
    }
  }
  return pending;
}

absl::Status BootstrapPending(const FleetEnv& env, const Inventory& inventory, bool apply,
                              const FleetEventFn& emit) {
  // A plan does not wait for agents: it says what happens if they stay away.
  std::vector<PendingBootstrap> pending =
      PendingBootstraps(env, inventory, apply ? kAgentReconnectWait : absl::ZeroDuration());
  if (!apply) {
    for (const PendingBootstrap& p : pending) {
      emit(FleetEventOf(p.host, "bootstrap", STEP_PLANNED, p.why));
    }
    return absl::OkStatus();
  }
  return ForEachInParallel(pending.size(), [&](size_t i) -> absl::Status {
    const PendingBootstrap& p = pending[i];
    emit(FleetEventOf(p.host, "bootstrap", STEP_RUNNING,
                      p.upgrade.empty() ? "logging in over SSH"
                                        : absl::StrCat("upgrading its agent: ", p.upgrade)));
    absl::StatusOr<BootstrapReport> report = env.world->Bootstrap(
        p.host, [&](const std::string& step, StepOutcome outcome, const std::string& detail) {
          if (outcome == StepOutcome::kRunning) return;
          emit(FleetEventOf(p.host, "bootstrap",
                            outcome == StepOutcome::kFailed ? STEP_FAILED : STEP_RUNNING,
                            absl::StrCat(step, ": ", StepOutcomeWord(outcome),
                                         detail.empty() ? "" : " (" + detail + ")")));
        });
    if (!report.ok()) {
      emit(FleetEventOf(p.host, "bootstrap", STEP_FAILED, std::string(report.status().message())));
      return absl::Status(report.status().code(),
                          absl::StrCat(p.host, ": bootstrap: ", report.status().message()));
    }
    emit(FleetEventOf(
        p.host, "bootstrap", report->changed_steps > 0 ? STEP_CHANGED : STEP_OK,
        absl::StrCat("hardened, agent connected (", report->changed_steps, " steps changed)")));
    return absl::OkStatus();
  });
}

absl::StatusOr<Inventory> Provision(const FleetEnv& env, const FleetFile& file, bool apply,
                                    const FleetEventFn& emit) {
  DM_ASSIGN_OR_RETURN(Inventory inventory, TakeInventory(env, file));
  DM_RETURN_IF_ERROR(BootMissing(env, file, inventory, apply, emit));
  if (apply) {
    Failpoint("up.after_boot");
    DM_ASSIGN_OR_RETURN(inventory, TakeInventory(env, file));
  }
  DM_RETURN_IF_ERROR(BootstrapPending(env, inventory, apply, emit));
  if (!apply) return inventory;
  return TakeInventory(env, file);  // agents connected now
}

}  // namespace dm
