// The JSON shape of a converge run in `dmctl converge --json`, `runs list --json` and
// `runs show --json`. Field names are an interface scripts rely on: add, never rename.
#ifndef DM_DMCTL_OUTPUT_RUN_JSON_H_
#define DM_DMCTL_OUTPUT_RUN_JSON_H_

#include <nlohmann/json.hpp>

#include "dm/v1/admin.pb.h"

namespace dm::dmctl {

// { id, agent, role, status, dry_run, started, finished (RFC 3339 or null), bundle,
//   resources, changed, failed, message } and, with `with_report`, report (the run report).
nlohmann::json RunToJson(const dm::v1::Run& run, bool with_report = false);

}  // namespace dm::dmctl

#endif  // DM_DMCTL_OUTPUT_RUN_JSON_H_
