#include "common/dmctl_config.h"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <map>

#include "absl/strings/str_cat.h"
#include "common/files.h"
#include "common/host_port.h"
#include "common/status_macros.h"

namespace dm {
namespace {

std::string Where(const std::string& path, const YAML::Mark& mark) {
  if (mark.line < 0) return path;
  return absl::StrCat(path, ":", mark.line + 1, ":", mark.column + 1);
}

}  // namespace

absl::StatusOr<DmctlConfig> DmctlConfig::Load(const std::string& path) {
  DM_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    return absl::InvalidArgumentError(absl::StrCat(Where(path, e.mark), ": ", e.msg));
  }
  if (!root.IsMap()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": expected a mapping with controller, ca, cert and key"));
  }
  DmctlConfig config;
  std::map<std::string, std::string*> fields = {{"controller", &config.controller},
                                                {"ca", &config.ca},
                                                {"cert", &config.cert},
                                                {"key", &config.key}};
  for (const auto& entry : root) {
    std::string name = entry.first.as<std::string>("");
    auto field = fields.find(name);
    if (field == fields.end()) {
      return absl::InvalidArgumentError(absl::StrCat(Where(path, entry.first.Mark()),
                                                     ": unknown field '", name,
                                                     "' (want controller, ca, cert, key)"));
    }
    if (!entry.second.IsScalar()) {
      return absl::InvalidArgumentError(
          absl::StrCat(Where(path, entry.second.Mark()), ": field '", name, "' must be a string"));
    }
    *field->second = entry.second.as<std::string>();
  }
  for (const auto& [name, value] : fields) {
    if (value->empty()) {
      return absl::InvalidArgumentError(absl::StrCat(path, ": missing field '", name, "'"));
    }
  }
  if (absl::Status s = HostPort::Parse(config.controller).status(); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(Where(path, root["controller"].Mark()),
                                                   ": field 'controller': ", s.message()));
  }
  std::filesystem::path base = std::filesystem::path(path).parent_path();
  for (std::string* p : {&config.ca, &config.cert, &config.key}) {
    if (std::filesystem::path(*p).is_relative()) *p = (base / *p).lexically_normal().string();
  }
  return config;
}

absl::Status DmctlConfig::Write(const std::string& path) const {
  YAML::Emitter out;
  out << YAML::Comment("Written by dm-controller. Use: dmctl --config " + path + " agents list");
  out << YAML::BeginMap;
  out << YAML::Key << "controller" << YAML::Value << controller;
  out << YAML::Key << "ca" << YAML::Value << ca;
  out << YAML::Key << "cert" << YAML::Value << cert;
  out << YAML::Key << "key" << YAML::Value << key;
  out << YAML::EndMap;
  return WriteFileAtomic(path, std::string(out.c_str()) + "\n", 0600);
}

}  // namespace dm
