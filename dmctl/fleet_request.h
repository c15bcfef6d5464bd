// FLEET on dmctl's command line: a fleet file (read here and sent whole, so that the
// controller applies exactly what the operator sees) or the name of a fleet the controller
// knows.
#ifndef DM_DMCTL_FLEET_REQUEST_H_
#define DM_DMCTL_FLEET_REQUEST_H_

#include <string>

#include "absl/status/statusor.h"
#include "dm/v1/admin.pb.h"

namespace dm::dmctl {

// A path when `arg` names a file, or looks like one (has '/' or ends in .yaml/.yml: NotFound
// when missing); a fleet name otherwise.
absl::StatusOr<dm::v1::FleetRequest> FleetRequestFor(const std::string& arg);

}  // namespace dm::dmctl

#endif  // DM_DMCTL_FLEET_REQUEST_H_
