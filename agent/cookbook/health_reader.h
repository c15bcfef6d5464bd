// Reads health checks (docs/health.md) from a role's `health:` field or a cookbook's health.yaml:
// a list of maps, each starting with its kind as a resource starts with its type:
//
//   health:
//     - http: http://127.0.0.1/lb-health
//       status: 200
//       service: nginx
//
// Values may use attributes ({{ nginx.port }}). Every mistake is recorded at its position; a
// check with mistakes is left out.
#ifndef DM_AGENT_COOKBOOK_HEALTH_READER_H_
#define DM_AGENT_COOKBOOK_HEALTH_READER_H_

#include <vector>

#include "agent/health/check_spec.h"
#include "common/attributes.h"
#include "common/yaml/validation_errors.h"
#include "common/yaml/yaml_tree.h"

namespace dm::cookbook {

// `list` is the value of a `health:` field; `where` names its owner in messages ("role
// loadbalancer", "cookbook nginx").
void ReadHealthChecks(const yaml::Node& list, const std::string& where,
                      const Attributes& attributes, std::vector<health::CheckSpec>* out,
                      yaml::ValidationErrors* errors);

}  // namespace dm::cookbook

#endif  // DM_AGENT_COOKBOOK_HEALTH_READER_H_
