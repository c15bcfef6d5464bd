#include "agent/config/agent_config_file.h"

#include "common/status_macros.h"
#include "common/yaml/field_reader.h"
#include "common/yaml/yaml_tree.h"

namespace dm {

absl::StatusOr<AgentConfigFile> ReadAgentConfigFile(const std::string& path) {
  DM_ASSIGN_OR_RETURN(yaml::Node root, yaml::ParseFile(path));
  yaml::ValidationErrors errors;
  yaml::FieldReader fields(root, "", &errors);
  if (!root.IsMap() && !root.IsNull()) {
    fields.Error("", "expected a map with controller, name, token and data_dir");
  }
  AgentConfigFile file;
  file.controller = fields.String("controller");
  file.name = fields.String("name");
  file.token = fields.String("token");
  file.data_dir = fields.String("data_dir");
  fields.RejectUnknown();
  DM_RETURN_IF_ERROR(errors.ToStatus());
  return file;
}

}  // namespace dm
