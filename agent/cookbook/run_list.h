// Loading what a run will apply: one cookbook, or a role's cookbooks, with their attributes
// merged, every resource read and checked. Nothing on the host is touched here; any error in
// any file stops the run before it starts.
//
// Layouts (docs/cookbooks.md):
//   PATH/recipe.yaml                 PATH is one cookbook
//   PATH/roles/ROLE.yaml             PATH holds roles and cookbooks/NAME/ (with --role ROLE)
//   PATH/recipe.yaml, health.yaml    a cookbook may declare health checks beside its recipe
#ifndef DM_AGENT_COOKBOOK_RUN_LIST_H_
#define DM_AGENT_COOKBOOK_RUN_LIST_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "agent/cookbook/resource.h"
#include "agent/health/check_spec.h"
#include "common/attributes.h"

namespace dm::cookbook {

struct LoadOptions {
  std::string path;
  std::string role;             // required when `path` holds roles
  Attributes fleet_attributes;  // above the role's
  Attributes host_attributes;   // above everything (dm-agent apply --attr)
};

struct RunList {
  std::vector<std::string> cookbooks;
  Attributes attributes;  // merged
  std::vector<std::unique_ptr<Resource>> resources;
  // The role's health checks and its cookbooks' (health.yaml), names unique.
  std::vector<health::CheckSpec> health;

  // nullptr if no resource has this id ("service[nginx]").
  Resource* Find(const std::string& id) const;
};

// InvalidArgument listing every problem, one per line, each "file:line:column: message".
absl::StatusOr<RunList> LoadRunList(const LoadOptions& options);

}  // namespace dm::cookbook

#endif  // DM_AGENT_COOKBOOK_RUN_LIST_H_
