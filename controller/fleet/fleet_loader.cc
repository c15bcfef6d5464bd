#include "controller/fleet/fleet_loader.h"

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace dm {

bool LoadedFleet::RevisionChanged() const {
  if (!known) return true;
  // Both as written (a pushed app's repository is the controller's copy in `file`).
  absl::StatusOr<FleetFile> before =
      ParseFleetFile(applied_text, record.file_path, file.deploy_dir);
  absl::StatusOr<FleetFile> now =
      ParseFleetFile(record.file_text, record.file_path, file.deploy_dir);
  return !before.ok() || !now.ok() || before->app.revision != now->app.revision ||
         before->app.repository != now->app.repository;
}

absl::StatusOr<std::string> DeployDirOf(const FleetEnv& env, const FleetRecord& record) {
  if (!record.deploy_tree.empty()) {
    if (env.trees == nullptr)
      return absl::FailedPreconditionError("this controller keeps no deploy trees");
    return env.trees->PathOf(record.deploy_tree);
  }
  if (env.deploy_dir.empty()) {
    return absl::FailedPreconditionError(
        "this controller has no cookbooks: run dmctl beside a deploy folder (roles/ and "
        "cookbooks/, found from the fleet file's folder up, or --deploy-dir on dmctl), or start "
        "the controller with --deploy-dir DIR");
  }
  return env.deploy_dir;
}

void FleetLoader::UsePushedApp(LoadedFleet& fleet) const {
  // The path in the file is on the operator's machine; the controller has its own copy.
  if (fleet.record.app_pushed && !fleet.file.app.repository.empty())
    fleet.file.app.repository = env_.world->PushedAppRepository(fleet.file.name);
}

absl::StatusOr<LoadedFleet> FleetLoader::Load(const dm::v1::FleetRequest& request) const {
  std::string tree;
  if (request.deploy_files_size() > 0) {
    if (env_.trees == nullptr)
      return absl::FailedPreconditionError("this controller takes no deploy folders");
    DM_ASSIGN_OR_RETURN(
        tree, env_.trees->Build({request.deploy_files().begin(), request.deploy_files().end()}));
  }
  if (request.file_text().empty()) {
    if (request.name().empty()) return absl::InvalidArgumentError("name a fleet, or give its file");
    return LoadByName(request.name(), tree);
  }
  // The fleet's name comes from its file, its record (and recorded tree) from the name: the
  // file is read once for the name, then again against its roles.
  LoadedFleet fleet;
  std::string path = request.file_path().empty() ? "fleet.yaml" : request.file_path();
  absl::StatusOr<FleetRecord> record = env_.store->GetFleet(FleetNameIn(request.file_text()));
  if (record.ok()) {
    fleet.record = std::move(*record);
    fleet.known = true;
    fleet.applied_text = fleet.record.file_text;
  } else if (!absl::IsNotFound(record.status())) {
    return record.status();
  }
  if (!tree.empty()) fleet.record.deploy_tree = tree;
  fleet.record.app_pushed = request.app_pushed();
  DM_ASSIGN_OR_RETURN(std::string deploy_dir, DeployDirOf(env_, fleet.record));
  DM_ASSIGN_OR_RETURN(fleet.file, ParseFleetFile(request.file_text(), path, deploy_dir));
  if (!fleet.known) {
    fleet.record.name = fleet.file.name;
    fleet.record.created = env_.clock->Now();
  }
  fleet.record.file_path = path;
  fleet.record.file_text = request.file_text();
  fleet.file.server_names = fleet.record.replacements;
  UsePushedApp(fleet);
  return fleet;
}

absl::StatusOr<LoadedFleet> FleetLoader::LoadByName(const std::string& name,
                                                    const std::string& tree) const {
  absl::StatusOr<FleetRecord> record = env_.store->GetFleet(name);
  if (absl::IsNotFound(record.status())) {
    return absl::NotFoundError(absl::StrCat("no fleet '", name, "' (dmctl up FILE creates one)"));
  }
  DM_RETURN_IF_ERROR(record.status());
  LoadedFleet fleet;
  fleet.record = std::move(*record);
  fleet.known = true;
  fleet.applied_text = fleet.record.file_text;
  if (!tree.empty()) fleet.record.deploy_tree = tree;
  DM_ASSIGN_OR_RETURN(std::string deploy_dir, DeployDirOf(env_, fleet.record));
  DM_ASSIGN_OR_RETURN(fleet.file,
                      ParseFleetFile(fleet.record.file_text, fleet.record.file_path, deploy_dir));
  fleet.file.server_names = fleet.record.replacements;
  UsePushedApp(fleet);
  return fleet;
}

}  // namespace dm
