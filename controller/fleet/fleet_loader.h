// A fleet as a request names it (dmctl sends either the fleet file's text or the name of a
// fleet the controller knows): its file parsed and validated against the controller's roles,
// and its record (a new one for a fleet never applied).
#ifndef DM_CONTROLLER_FLEET_FLEET_LOADER_H_
#define DM_CONTROLLER_FLEET_FLEET_LOADER_H_

#include <string>

#include "absl/status/statusor.h"
#include "controller/fleet/fleet_env.h"
#include "controller/fleet/model/fleet_file.h"
#include "controller/store/records.h"
#include "dm/v1/admin.pb.h"

namespace dm {

struct LoadedFleet {
  FleetFile file;
  FleetRecord record;        // its file_text is the request's, once an operation saves it
  bool known = false;        // the controller has a record of it
  std::string applied_text;  // the file as applied last ("" for a new fleet)

  // True when the file asks for another app repository or revision than the file applied last
  // (always for a fleet never applied).
  bool RevisionChanged() const;
};

// Thread-safe; reads only.
class FleetLoader {
 public:
  explicit FleetLoader(const FleetEnv& env) : env_(env) {}

  // From the file in the request when it has one (the record, if any, gets the new text), else
  // by name. FailedPrecondition without cookbooks; NotFound for an unknown name;
  // InvalidArgument listing every problem of the file.
  absl::StatusOr<LoadedFleet> Load(const dm::v1::FleetRequest& request) const;
  // The fleet the controller knows as `name`, with the file it applied last; with the deploy
  // tree `tree` when dmctl sent one along.
  absl::StatusOr<LoadedFleet> LoadByName(const std::string& name,
                                         const std::string& tree = "") const;

 private:
  // A pushed app is fetched from the controller's copy of it.
  void UsePushedApp(LoadedFleet& fleet) const;

  const FleetEnv env_;
};

}  // namespace dm

#endif  // DM_CONTROLLER_FLEET_FLEET_LOADER_H_
