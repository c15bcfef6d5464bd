#include "controller/fleet/steps/database.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/attributes.h"
#include "common/yaml/yaml_tree.h"
#include "controller/fleet/model/fleet_layout.h"

namespace dm {
namespace {

// The text at `dotted` in `attributes`, or "".
std::string TextAt(const Attributes& attributes, const std::string& dotted) {
  const Attributes* value = FindAttribute(attributes, dotted);
  return value != nullptr && value->is_string() ? value->get<std::string>() : "";
}

}  // namespace

absl::StatusOr<const FleetHost*> DatabaseHost(const FleetEnv& env, const Inventory& inventory) {
  for (const FleetHost& host : inventory.hosts) {
    if (!host.Provides(Service::kDatabase)) continue;
    if (!inventory.ServerOf(host.name) || !WaitForAgent(env, host.name, kAgentWait)) {
      return absl::FailedPreconditionError(
          absl::StrCat("the database host ", host.name, " is not up (dmctl up)"));
    }
    return &host;
  }
  return absl::FailedPreconditionError("the fleet has no database");
}

DatabaseRef DatabaseOn(const FleetFile& file, const std::string& host) {
  // The postgresql cookbook's defaults, under the fleet's own attributes.
  Attributes attributes = Attributes::object();
  absl::StatusOr<yaml::Node> defaults =
      yaml::ParseFile(file.deploy_dir + "/cookbooks/postgresql/attributes.yaml");
  if (defaults.ok() && defaults->IsMap()) attributes = AttributesFromYaml(*defaults);
  MergeAttributes(attributes, file.attributes);
  std::string name = TextAt(attributes, "database.name");
  std::string owner = TextAt(attributes, "database.user");
  if (std::string app = AppDatabaseName(file); !app.empty()) name = owner = app;
  return DatabaseRef{host, name.empty() ? "guestbook" : name, owner.empty() ? "guestbook" : owner};
}

std::string DescribeRows(const RowCounts& rows) {
  if (rows.empty()) return "no tables";
  std::vector<std::string> parts;
  for (const auto& [table, n] : rows) parts.push_back(absl::StrCat(table, "=", n));
  return absl::StrJoin(parts, ", ");
}

}  // namespace dm
