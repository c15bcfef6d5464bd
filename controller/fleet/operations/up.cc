#include "controller/fleet/operations/up.h"

#include "absl/strings/str_cat.h"
#include "common/random.h"
#include "common/status_macros.h"
#include "controller/fleet/operations/backups.h"
#include "controller/fleet/steps/checks.h"
#include "controller/fleet/steps/converge_hosts.h"
#include "controller/fleet/steps/dns.h"
#include "controller/fleet/steps/health_gate.h"
#include "controller/fleet/steps/media.h"
#include "controller/fleet/steps/provision.h"
#include "nlohmann/json.hpp"

namespace dm {
namespace {

// Generates the file's secrets that have no value yet. Kept with the fleet: a changed database
// password would lock the application out.
void GenerateSecrets(LoadedFleet& fleet) {
  nlohmann::json secrets = nlohmann::json::parse(fleet.record.secrets_json, nullptr, false);
  if (!secrets.is_object()) secrets = nlohmann::json::object();
  for (const FleetSecret& secret : fleet.file.secrets) {
    if (!secrets.contains(secret.attribute)) {
      secrets[secret.attribute] = RandomToken(static_cast<size_t>(secret.generate));
    }
  }
  fleet.record.secrets_json = secrets.dump();
}

}  // namespace

absl::StatusOr<std::string> UpOperation::ResolveCommit(const LoadedFleet& fleet, bool apply,
                                                       const FleetEventFn& emit) {
  const FleetApp& app = fleet.file.app;
  if (app.repository.empty()) return std::string();
  if (env_.world->AppUrl(fleet.file.name, fleet.file.provider).empty()) {
    return absl::FailedPreconditionError(
        fleet.file.provider == "local"
            ? "this controller cannot serve app repositories to servers (no local network)"
            : "this controller serves no app repositories to cloud servers: start it with "
              "--advertise (and open --git-port there)");
  }
  if (apply) {
    emit(FleetEventOf("", "app", dm::v1::STEP_RUNNING, absl::StrCat("fetching ", app.repository)));
  }
  DM_ASSIGN_OR_RETURN(std::string wanted,
                      env_.world->SyncApp(fleet.file.name, app.repository, app.revision));
  const std::string& deployed = fleet.record.commit;
  const bool moves = deployed.empty() || fleet.RevisionChanged();
  const std::string commit = moves ? wanted : deployed;
  if (!apply) {
    emit(commit == deployed
             ? FleetEventOf("", "app", dm::v1::STEP_OK, absl::StrCat("keep ", ShortCommit(commit)))
             : FleetEventOf("", "app", dm::v1::STEP_PLANNED,
                            absl::StrCat("deploy ", ShortCommit(commit), " (", app.revision, ")")));
    return commit;
  }
  DM_RETURN_IF_ERROR(env_.world->PinApp(fleet.file.name, commit));
  emit(FleetEventOf("", "app", commit == deployed ? dm::v1::STEP_OK : dm::v1::STEP_CHANGED,
                    absl::StrCat("commit ", ShortCommit(commit), " (", app.revision, ")")));
  return commit;
}

absl::Status UpOperation::Run(LoadedFleet& fleet, const UpOptions& options,
                              const FleetEventFn& emit) {
  const absl::Time start = env_.clock->Now();
  const bool apply = options.apply;
  // A cloud or DNS provider the controller does not have is said before anything boots.
  DM_RETURN_IF_ERROR(env_.world->CheckProvider(fleet.file.provider));
  DM_RETURN_IF_ERROR(FleetDnsProvider(env_, fleet.file).status());
  DM_ASSIGN_OR_RETURN(const NamedStore* media, FleetMediaStore(env_, fleet.file));
  // The store is tried (and its container made) now, not at the first upload.
  if (media != nullptr && apply) DM_RETURN_IF_ERROR(PrepareMediaStore(*media, fleet.file.name));
  // A plan generates them too (the hosts' attributes need values), and forgets them.
  GenerateSecrets(fleet);
  DM_ASSIGN_OR_RETURN(std::string commit, ResolveCommit(fleet, apply, emit));
  // Not "" when this up moves a running fleet to another commit, as a deploy does at once.
  const std::string moved_from = fleet.record.commit != commit ? fleet.record.commit : "";
  if (apply) {
    // Saved before any server sees the secrets or the commit.
    if (commit != fleet.record.commit) {
      if (!fleet.record.commit.empty()) fleet.record.previous_commit = fleet.record.commit;
      fleet.record.commit = commit;
    }
    fleet.record.updated = env_.clock->Now();
    DM_RETURN_IF_ERROR(env_.store->SaveFleet(fleet.record));
    if (!fleet.known) env_.audit->Record("fleet.created", fleet.file.name, fleet.record.file_path);
  }

  DM_ASSIGN_OR_RETURN(Inventory inventory, Provision(env_, fleet.file, apply, emit));
  for (const auto& [name, server] : inventory.servers) {
    if (!inventory.Wants(name)) {
      emit(FleetEventOf(name, "surplus", dm::v1::STEP_OK,
                        "not in the fleet file; up leaves it (dmctl scale ROLE=N removes extra "
                        "servers)"));
    }
  }
  if (apply && !moved_from.empty()) {
    // What ran until now is what the healer goes back to, if it passed its checks.
    std::vector<std::string> apps;
    for (const FleetHost& host : inventory.hosts)
      if (host.Provides(Service::kApp)) apps.push_back(host.name);
    if (NoneFailing(env_, apps)) fleet.record.healthy_commit = moved_from;
  }
  DM_ASSIGN_OR_RETURN(FleetContext context, ContextFor(env_, fleet, commit));
  DM_RETURN_IF_ERROR(ConvergeInOrder(env_, fleet.file, inventory, context, apply, emit));
  // A fleet rebuilt from nothing gets its data back (under maintenance, all or nothing).
  if (!options.restore.empty()) {
    if (apply) {
      DM_RETURN_IF_ERROR(BackupOperations(env_).Restore(fleet, inventory, options.restore, emit));
    } else {
      emit(FleetEventOf("", "restore", dm::v1::STEP_PLANNED,
                        absl::StrCat("restore backup ", options.restore)));
    }
  }
  DM_RETURN_IF_ERROR(PointDns(env_, fleet.file, inventory.hosts, apply, emit));
  if (!apply) return absl::OkStatus();
  DM_RETURN_IF_ERROR(CheckSite(env_, fleet.file, inventory.hosts, fleet.record.maintenance, emit));
  // The site answered: a first commit is the healthy one; a moved one is watched like a deploy.
  if (fleet.record.healthy_commit.empty()) fleet.record.healthy_commit = fleet.record.commit;
  if (!moved_from.empty()) fleet.record.deployed_at = env_.clock->Now();
  DM_RETURN_IF_ERROR(env_.store->SaveFleet(fleet.record));
  env_.audit->Record(
      "fleet.up", fleet.file.name,
      absl::StrCat(
          inventory.hosts.size(), " servers, app ", ShortCommit(fleet.record.commit), ", in ",
          absl::FormatDuration(absl::Trunc(env_.clock->Now() - start, absl::Milliseconds(100)))));
  return absl::OkStatus();
}

}  // namespace dm
