#include "controller/fleet/operations/maintenance.h"

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "controller/fleet/steps/inventory.h"
#include "controller/fleet/steps/maintenance.h"

namespace dm {

absl::Status MaintenanceOperation::Run(LoadedFleet& fleet, bool on, const FleetEventFn& emit) {
  if (!fleet.known) {
    return absl::FailedPreconditionError(absl::StrCat("fleet ", fleet.file.name, " was never up"));
  }
  DM_ASSIGN_OR_RETURN(Inventory inventory, TakeInventory(env_, fleet.file));
  DM_RETURN_IF_ERROR(SetMaintenance(env_, fleet, inventory, on, emit));
  env_.audit->Record(on ? "fleet.maintenance.on" : "fleet.maintenance.off", fleet.file.name, "");
  return absl::OkStatus();
}

}  // namespace dm
