#include "common/dmctl_config.h"

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "common/files.h"
#include "common/host_port.h"
#include "common/status_macros.h"
#include "common/yaml/field_reader.h"
#include "common/yaml/yaml_tree.h"
#include "common/yaml/yaml_writer.h"

namespace dm {

absl::StatusOr<DmctlConfig> DmctlConfig::Load(const std::string& path) {
  DM_ASSIGN_OR_RETURN(yaml::Node root, yaml::ParseFile(path));
  yaml::ValidationErrors errors;
  yaml::FieldReader fields(root, "", &errors);
  if (!root.IsMap()) fields.Error("", "expected a map with controller, ca, cert and key");
  DmctlConfig config;
  config.controller = fields.RequiredString("controller");
  config.ca = fields.RequiredString("ca");
  config.cert = fields.RequiredString("cert");
  config.key = fields.RequiredString("key");
  fields.RejectUnknown();
  if (!config.controller.empty()) {
    if (absl::Status s = HostPort::Parse(config.controller).status(); !s.ok()) {
      fields.Error("controller", std::string(s.message()));
    }
  }
  DM_RETURN_IF_ERROR(errors.ToStatus());
  std::filesystem::path base = std::filesystem::path(path).parent_path();
  for (std::string* p : {&config.ca, &config.cert, &config.key}) {
    if (std::filesystem::path(*p).is_relative()) *p = (base / *p).lexically_normal().string();
  }
  return config;
}

absl::Status DmctlConfig::Write(const std::string& path) const {
  std::string text =
      yaml::FlatMap("Written by dm-controller. Use: dmctl --config " + path + " agents list",
                    {{"controller", controller}, {"ca", ca}, {"cert", cert}, {"key", key}});
  return WriteFileAtomic(path, text, 0600);
}

}  // namespace dm
