#include "controller/fleet/fleet_loader.h"

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace dm {

bool LoadedFleet::RevisionChanged(const std::string& deploy_dir) const {
  if (!known) return true;
  absl::StatusOr<FleetFile> before = ParseFleetFile(applied_text, record.file_path, deploy_dir);
  return !before.ok() || before->app.revision != file.app.revision ||
         before->app.repository != file.app.repository;
}

absl::StatusOr<LoadedFleet> FleetLoader::Load(const dm::v1::FleetRequest& request) const {
  if (env_.deploy_dir.empty()) {
    return absl::FailedPreconditionError(
        "this controller has no cookbooks: start it with --deploy-dir DIR (a folder with "
        "cookbooks/ and roles/)");
  }
  if (request.file_text().empty()) {
    if (request.name().empty()) return absl::InvalidArgumentError("name a fleet, or give its file");
    return LoadByName(request.name());
  }
  LoadedFleet fleet;
  std::string path = request.file_path().empty() ? "fleet.yaml" : request.file_path();
  DM_ASSIGN_OR_RETURN(fleet.file, ParseFleetFile(request.file_text(), path, env_.deploy_dir));
  absl::StatusOr<FleetRecord> record = env_.store->GetFleet(fleet.file.name);
  if (record.ok()) {
    fleet.record = std::move(*record);
    fleet.known = true;
    fleet.applied_text = fleet.record.file_text;
  } else if (absl::IsNotFound(record.status())) {
    fleet.record.name = fleet.file.name;
    fleet.record.created = env_.clock->Now();
  } else {
    return record.status();
  }
  fleet.record.file_path = path;
  fleet.record.file_text = request.file_text();
  fleet.file.server_names = fleet.record.replacements;
  return fleet;
}

absl::StatusOr<LoadedFleet> FleetLoader::LoadByName(const std::string& name) const {
  if (env_.deploy_dir.empty()) {
    return absl::FailedPreconditionError(
        "this controller has no cookbooks: start it with --deploy-dir DIR (a folder with "
        "cookbooks/ and roles/)");
  }
  absl::StatusOr<FleetRecord> record = env_.store->GetFleet(name);
  if (absl::IsNotFound(record.status())) {
    return absl::NotFoundError(absl::StrCat("no fleet '", name, "' (dmctl up FILE creates one)"));
  }
  DM_RETURN_IF_ERROR(record.status());
  LoadedFleet fleet;
  fleet.record = std::move(*record);
  fleet.known = true;
  fleet.applied_text = fleet.record.file_text;
  DM_ASSIGN_OR_RETURN(
      fleet.file, ParseFleetFile(fleet.record.file_text, fleet.record.file_path, env_.deploy_dir));
  fleet.file.server_names = fleet.record.replacements;
  return fleet;
}

}  // namespace dm
