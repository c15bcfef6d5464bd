// The JSON shape of a server in `dmctl servers list --json` and `servers boot --json`. Field
// names are an interface scripts rely on: add, never rename.
#ifndef DM_DMCTL_OUTPUT_SERVER_JSON_H_
#define DM_DMCTL_OUTPUT_SERVER_JSON_H_

#include <nlohmann/json.hpp>

#include "dm/v1/admin.pb.h"

namespace dm::dmctl {

// { name, provider, state, address, role, ssh_host_key_fingerprint, created, bootstrap,
//   bootstrap_message, agent ("connected", "disconnected" or null) }
nlohmann::json ServerToJson(const dm::v1::Server& server);

}  // namespace dm::dmctl

#endif  // DM_DMCTL_OUTPUT_SERVER_JSON_H_
