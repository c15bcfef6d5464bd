// dmctl scale: a role's count rewritten in the fleet's file (in place, comments kept), then the
// file applied as up would. Servers the new count leaves out are first taken out of the wiring
// (the load balancers stop sending to them, the database stops admitting them: nginx reloads
// gracefully, so requests under way finish), then destroyed.
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/status_macros.h"
#include "controller/fleet/fleet_events.h"
#include "controller/fleet/fleet_reconciler.h"

namespace dm {
namespace {

// After the load balancers reloaded without a node: time for requests under way to end there.
constexpr absl::Duration kDrainGrace = absl::Seconds(2);

}  // namespace

absl::Status FleetReconciler::Scale(const dm::v1::ScaleFleetRequest& request,
                                    const FleetEventFn& on_event) {
  FleetEventFn emit = Serialized(on_event);
  DM_ASSIGN_OR_RETURN(Loaded fleet, Load(request.fleet()));
  DM_ASSIGN_OR_RETURN(std::unique_ptr<Busy> busy, Claim(fleet.file.name));
  const FleetRole* role = fleet.file.Find(request.role());
  if (role == nullptr) {
    return absl::NotFoundError(absl::StrCat("fleet ", fleet.file.name, " has no role '",
                                            request.role(),
                                            "' in its file: add it there, then dmctl up"));
  }
  const int count = static_cast<int>(request.count());
  const int old_count = role->count;  // `role` points into the file replaced below
  if (role->Provides(Service::kApp) && count == 0) {
    return absl::InvalidArgumentError(absl::StrCat(request.role(),
                                                   " serves the app: keep at least one (dmctl down "
                                                   "removes the whole fleet)"));
  }
  if (count == role->count) {
    emit(FleetEventOf("", "scale", "ok",
                      absl::StrCat(request.role(), " has ", count, " servers already")));
    return Apply(fleet, emit);
  }
  DM_ASSIGN_OR_RETURN(std::string text,
                      ReplaceScalarAt(fleet.record.file_text, role->count_mark,
                                      std::to_string(old_count), std::to_string(count)));
  // The new file must be a valid fleet (one database at most, short enough names...).
  DM_ASSIGN_OR_RETURN(FleetFile scaled,
                      ParseFleetFile(text, fleet.record.file_path, s_.converger->deploy_dir()));
  dm::v1::FleetEvent file = FleetEventOf(
      "", "file", "changed", absl::StrCat(request.role(), ": ", old_count, " -> ", count));
  file.set_file_text(text);
  emit(file);

  DM_ASSIGN_OR_RETURN(Inventory before, Take(fleet.file));
  fleet.file = std::move(scaled);
  fleet.record.file_text = text;
  std::vector<std::string> leaving;
  for (const auto& [name, server] : before.servers) {
    bool wanted = false;
    for (const FleetHost& h : DesiredHosts(fleet.file)) wanted = wanted || h.name == name;
    if (!wanted && server.role() == request.role()) leaving.push_back(name);
  }
  for (const std::string& name : leaving)
    emit(FleetEventOf(name, "drain", "running", "leaving the wiring"));
  // Up with the new file: new servers join, the load balancers and database forget leaving ones.
  DM_RETURN_IF_ERROR(Apply(fleet, emit));
  if (leaving.empty()) return absl::OkStatus();
  absl::SleepFor(kDrainGrace);
  DM_RETURN_IF_ERROR(ForEachInParallel(leaving.size(), [&](size_t i) -> absl::Status {
    emit(FleetEventOf(leaving[i], "drain", "ok", "out of the load balancers"));
    absl::Status s = s_.servers->Destroy(leaving[i]);
    emit(FleetEventOf(leaving[i], "destroy", s.ok() ? "changed" : "failed",
                      s.ok() ? "destroyed" : std::string(s.message())));
    return s;
  }));
  Audit("fleet.scaled", fleet.file.name,
        absl::StrCat(request.role(), ": ", old_count, " -> ", count));
  return absl::OkStatus();
}

}  // namespace dm
