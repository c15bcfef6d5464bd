#include "controller/fleet/operations/down.h"

#include "controller/fleet/steps/dns.h"

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "controller/fleet/steps/inventory.h"

namespace dm {

absl::Status DownOperation::Run(const LoadedFleet& fleet, const FleetEventFn& emit) {
  DM_ASSIGN_OR_RETURN(Inventory inventory, TakeInventory(env_, fleet.file));
  std::vector<std::string> names;
  for (const auto& [name, server] : inventory.servers) names.push_back(name);
  DM_RETURN_IF_ERROR(ForEachInParallel(names.size(), [&](size_t i) -> absl::Status {
    emit(FleetEventOf(names[i], "destroy", dm::v1::STEP_RUNNING,
                      "destroying the server and its agent"));
    absl::Status s = env_.world->DestroyServer(names[i]);
    emit(FleetEventOf(names[i], "destroy", s.ok() ? dm::v1::STEP_CHANGED : dm::v1::STEP_FAILED,
                      s.ok() ? "destroyed" : std::string(s.message())));
    return s;
  }));
  DM_RETURN_IF_ERROR(RemoveDns(env_, fleet.file, emit));
  env_.world->RemoveApp(fleet.file.name);
  absl::Status forgotten = env_.store->DeleteFleet(fleet.file.name);
  if (!forgotten.ok() && !absl::IsNotFound(forgotten)) return forgotten;
  env_.audit->Record("fleet.down", fleet.file.name,
                     absl::StrCat(names.size(), " servers destroyed"));
  return absl::OkStatus();
}

}  // namespace dm
