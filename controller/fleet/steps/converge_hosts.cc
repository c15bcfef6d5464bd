#include "controller/fleet/steps/converge_hosts.h"

#include "common/failpoint.h"
#include "controller/fleet/steps/media.h"
#include "controller/providers/providers_config.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status_macros.h"
#include "controller/fleet/steps/inventory.h"
#include "nlohmann/json.hpp"

namespace dm {
namespace {

using dm::v1::STEP_CHANGED;
using dm::v1::STEP_FAILED;
using dm::v1::STEP_OK;
using dm::v1::STEP_PLANNED;
using dm::v1::STEP_RUNNING;

constexpr int kStages = 4;  // database, cache, app, load balancer
const char* const kStageNames[kStages] = {"database", "cache", "app", "load balancer"};

absl::StatusOr<std::vector<ConvergeTarget>> TargetsFor(const FleetEnv& env, const FleetFile& file,
                                                       const Inventory& inventory,
                                                       const FleetContext& context,
                                                       const std::vector<std::string>& names) {
  std::vector<ConvergeTarget> targets;
  for (const FleetHost& host : inventory.hosts) {
    if (std::find(names.begin(), names.end(), host.name) == names.end()) continue;
    nlohmann::json attributes = HostAttributes(file, inventory.hosts, host, context);
    // The journals' TLS, from the controller's CA: the lognode's server certificate for its
    // address, each other host's client certificate for its name.
    const std::string& address = host.private_address.empty() ? host.address : host.private_address;
    const bool collects = host.Provides(Service::kLogs);
    if ((collects && !address.empty()) || !attributes["logs"]["url"].get<std::string>().empty()) {
      DM_ASSIGN_OR_RETURN(TlsCredentials tls,
                          env.world->HostCredentials(host.name, collects ? address : ""));
      attributes["logs"]["cert"] = tls.cert_pem;
      attributes["logs"]["key"] = tls.key_pem;
      attributes["logs"]["ca"] = tls.ca_pem;
    }
    targets.push_back({host.name, host.role, attributes.dump()});
  }
  return targets;
}

// Dry runs on the hosts themselves: exactly what would change.
absl::Status PlanConverge(const FleetEnv& env, const FleetFile& file, const Inventory& inventory,
                          const FleetContext& context, const FleetEventFn& emit) {
  bool all_exist = std::all_of(inventory.hosts.begin(), inventory.hosts.end(),
                               [&](const FleetHost& h) { return inventory.ServerOf(h.name); });
  if (!all_exist) {
    for (const FleetHost& host : inventory.hosts) {
      emit(FleetEventOf(host.name, "converge", STEP_PLANNED,
                        absl::StrCat("converge role ", host.role, " (stage ", host.stage() + 1,
                                     " of ", kStages, ")")));
    }
    return absl::OkStatus();
  }
  std::vector<std::string> names;
  for (const FleetHost& host : inventory.hosts) names.push_back(host.name);
  DM_ASSIGN_OR_RETURN(std::vector<ConvergeTarget> targets,
                      TargetsFor(env, file, inventory, context, names));
  DM_ASSIGN_OR_RETURN(std::vector<ConvergeOutcome> outcomes,
                      env.world->Converge(targets, file.deploy_dir, /*dry_run=*/true, {}));
  for (const ConvergeOutcome& o : outcomes) {
    if (!o.refused.empty()) {
      emit(FleetEventOf(o.agent, "converge", STEP_PLANNED,
                        absl::StrCat("converge (cannot look now: ", o.refused, ")")));
    } else if (!o.converged()) {
      emit(
          FleetEventOf(o.agent, "converge", STEP_FAILED,
                       absl::StrCat("dry run ", RunStatusWord(o.run.status), ": ", o.run.message)));
    } else if (o.run.changed > 0) {
      emit(FleetEventOf(o.agent, "converge", STEP_PLANNED,
                        absl::StrCat(o.run.changed, " of ", o.run.resources,
                                     " resources would change (dmctl runs show ", o.run.id, ")")));
    } else {
      emit(FleetEventOf(o.agent, "converge", STEP_OK,
                        absl::StrCat("no change (", o.run.resources, " resources)")));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<FleetContext> ContextFor(const FleetEnv& env, const LoadedFleet& fleet,
                                        const std::string& commit) {
  FleetContext context;
  context.app_repository = env.world->AppUrl(fleet.file.name, fleet.file.provider);
  context.app_commit = commit;
  context.controller_address = env.world->ControllerAddress();
  context.maintenance = fleet.record.maintenance;
  // App nodes the healer took out of the load balancers stay out whatever operation converges.
  context.drained = fleet.record.out_of_service;
  context.memory_bytes = env.world->HostMemory();
  nlohmann::json secrets = nlohmann::json::parse(fleet.record.secrets_json, nullptr, false);
  if (!secrets.is_object()) {
    return absl::DataLossError(
        absl::StrCat("fleet ", fleet.file.name, ": stored secrets are unreadable"));
  }
  for (const auto& [attribute, value] : secrets.items()) {
    if (value.is_string()) context.secrets[attribute] = value.get<std::string>();
  }
  DM_ASSIGN_OR_RETURN(const NamedStore* media, FleetMediaStore(env, fleet.file));
  if (media != nullptr) context.media_env = MediaEnvironment(*media, fleet.file.name);
  return context;
}

absl::Status ConvergeHosts(const FleetEnv& env, const FleetFile& file, const Inventory& inventory,
                           const FleetContext& context, const std::vector<std::string>& hosts,
                           const FleetEventFn& emit) {
  auto converge =
      [&](const std::vector<std::string>& names) -> absl::StatusOr<std::vector<ConvergeOutcome>> {
    DM_ASSIGN_OR_RETURN(std::vector<ConvergeTarget> targets,
                        TargetsFor(env, file, inventory, context, names));
    return env.world->Converge(targets, file.deploy_dir,
                               /*dry_run=*/false, [&](const dm::v1::ConvergeEvent& e) {
                                 Failpoint("converge.running");  // a host is converging
                                 dm::v1::FleetEvent event =
                                     FleetEventOf(e.agent(), "converge", STEP_RUNNING, "");
                                 *event.mutable_converge() = e;
                                 emit(event);
                               });
  };
  DM_ASSIGN_OR_RETURN(std::vector<ConvergeOutcome> outcomes, converge(hosts));
  // An agent between two streams (a busy server, a network blip) refuses nothing for good: once
  // it is back, its converge runs again, once.
  std::vector<std::string> again;
  for (const ConvergeOutcome& o : outcomes) {
    if (!o.refused.empty() && WaitForAgent(env, o.agent, kAgentWait)) again.push_back(o.agent);
  }
  if (!again.empty()) {
    DM_ASSIGN_OR_RETURN(std::vector<ConvergeOutcome> retried, converge(again));
    for (ConvergeOutcome& r : retried) {
      for (ConvergeOutcome& o : outcomes) {
        if (o.agent == r.agent) o = std::move(r);
      }
    }
  }
  std::vector<std::string> failed;
  for (const ConvergeOutcome& o : outcomes) {
    if (o.converged()) {
      emit(FleetEventOf(o.agent, "converge", o.run.changed > 0 ? STEP_CHANGED : STEP_OK,
                        absl::StrCat(o.run.role, ": ", o.run.resources, " resources, ",
                                     o.run.changed, " changed")));
      continue;
    }
    // "failed" is the event's status already; other outcomes (invalid, error) say theirs.
    std::string why = o.refused.empty()
                          ? absl::StrCat(o.run.status == RunStatus::kFailed
                                             ? ""
                                             : absl::StrCat(RunStatusWord(o.run.status), ": "),
                                         o.run.message, " (dmctl runs show ", o.run.id, ")")
                          : o.refused;
    emit(FleetEventOf(o.agent, "converge", STEP_FAILED, why));
    failed.push_back(absl::StrCat(o.agent, " (", why, ")"));
  }
  if (!failed.empty()) return absl::AbortedError(absl::StrJoin(failed, ", "));
  return absl::OkStatus();
}

absl::Status ConvergeStages(const FleetEnv& env, const FleetFile& file, const Inventory& inventory,
                            const FleetContext& context, const std::vector<std::string>& names,
                            const FleetEventFn& emit) {
  for (int stage = 0; stage < kStages; ++stage) {
    std::vector<std::string> hosts;
    for (const FleetHost& host : inventory.hosts) {
      bool wanted = std::find(names.begin(), names.end(), host.name) != names.end();
      if (wanted && host.stage() == stage) hosts.push_back(host.name);
    }
    if (hosts.empty()) continue;
    if (absl::Status s = ConvergeHosts(env, file, inventory, context, hosts, emit); !s.ok()) {
      return absl::Status(
          s.code(), absl::StrCat("converging the ", kStageNames[stage], " failed: ", s.message(),
                                 "; later stages were left as they were"));
    }
  }
  return absl::OkStatus();
}

absl::Status ConvergeInOrder(const FleetEnv& env, const FleetFile& file, const Inventory& inventory,
                             const FleetContext& context, bool apply, const FleetEventFn& emit) {
  if (!apply) return PlanConverge(env, file, inventory, context, emit);
  std::vector<std::string> names;
  for (const FleetHost& host : inventory.hosts) names.push_back(host.name);
  return ConvergeStages(env, file, inventory, context, names, emit);
}

}  // namespace dm
