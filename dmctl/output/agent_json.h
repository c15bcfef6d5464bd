// The JSON shape of an agent in `dmctl agents list --json` and `agents show --json`. Field names
// are an interface scripts rely on: add fields, never rename or remove them.
#ifndef DM_DMCTL_OUTPUT_AGENT_JSON_H_
#define DM_DMCTL_OUTPUT_AGENT_JSON_H_

#include <nlohmann/json.hpp>

#include "dm/v1/admin.pb.h"

namespace dm::dmctl {

// { name, id, role, state ("connected"|"disconnected"), address, version, last_seen (RFC 3339
//   or null), enrolled, cert_serial, cert_expires, facts: { hostname, os, kernel, arch,
//   addresses, cpus, memory_bytes } }
nlohmann::json AgentToJson(const dm::v1::Agent& agent);

}  // namespace dm::dmctl

#endif  // DM_DMCTL_OUTPUT_AGENT_JSON_H_
