#include "controller/fleet/operations/scale.h"

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "controller/fleet/operations/up.h"
#include "controller/fleet/steps/inventory.h"

namespace dm {
namespace {

// After the load balancers reloaded without a node: time for requests under way to end there.
constexpr absl::Duration kDrainGrace = absl::Seconds(2);

}  // namespace

absl::Status ScaleOperation::Run(LoadedFleet& fleet, const std::string& role_name, int count,
                                 const FleetEventFn& emit) {
  const FleetRole* role = fleet.file.Find(role_name);
  if (role == nullptr) {
    return absl::NotFoundError(absl::StrCat("fleet ", fleet.file.name, " has no role '", role_name,
                                            "' in its file: add it there, then dmctl up"));
  }
  const int old_count = role->count;  // `role` points into the file replaced below
  if (role->Provides(Service::kApp) && count == 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        role_name, " serves the app: keep at least one (dmctl down removes the whole fleet)"));
  }
  UpOperation up(env_);
  if (count == old_count) {
    emit(FleetEventOf("", "scale", dm::v1::STEP_OK,
                      absl::StrCat(role_name, " has ", count, " servers already")));
    return up.Run(fleet, {}, emit);
  }
  DM_ASSIGN_OR_RETURN(std::string text,
                      ReplaceScalarAt(fleet.record.file_text, role->count_mark,
                                      std::to_string(old_count), std::to_string(count)));
  // The new file must be a valid fleet (one database at most, short enough names...).
  DM_ASSIGN_OR_RETURN(FleetFile scaled,
                      ParseFleetFile(text, fleet.record.file_path, fleet.file.deploy_dir));
  dm::v1::FleetEvent file = FleetEventOf("", "file", dm::v1::STEP_CHANGED,
                                         absl::StrCat(role_name, ": ", old_count, " -> ", count));
  file.set_file_text(text);
  emit(file);

  DM_ASSIGN_OR_RETURN(Inventory before, TakeInventory(env_, fleet.file));
  fleet.file = std::move(scaled);
  fleet.record.file_text = text;
  const std::vector<FleetHost> wanted = DesiredHosts(fleet.file);
  std::vector<std::string> leaving;
  for (const auto& [name, server] : before.servers) {
    bool kept = false;
    for (const FleetHost& h : wanted) kept = kept || h.name == name;
    if (!kept && server.role() == role_name) leaving.push_back(name);
  }
  for (const std::string& name : leaving) {
    emit(FleetEventOf(name, "drain", dm::v1::STEP_RUNNING, "leaving the wiring"));
  }
  // Up with the new file: new servers join, the load balancers and database forget leaving ones.
  DM_RETURN_IF_ERROR(up.Run(fleet, {}, emit));
  if (leaving.empty()) return absl::OkStatus();
  env_.clock->SleepFor(kDrainGrace);
  DM_RETURN_IF_ERROR(ForEachInParallel(leaving.size(), [&](size_t i) -> absl::Status {
    emit(FleetEventOf(leaving[i], "drain", dm::v1::STEP_OK, "out of the load balancers"));
    absl::Status s = env_.world->DestroyServer(leaving[i]);
    emit(FleetEventOf(leaving[i], "destroy", s.ok() ? dm::v1::STEP_CHANGED : dm::v1::STEP_FAILED,
                      s.ok() ? "destroyed" : std::string(s.message())));
    return s;
  }));
  env_.audit->Record("fleet.scaled", fleet.file.name,
                     absl::StrCat(role_name, ": ", old_count, " -> ", count));
  return absl::OkStatus();
}

}  // namespace dm
