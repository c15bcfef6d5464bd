#include "agent/identity/agent_identity.h"

#include <yaml-cpp/yaml.h>

#include "absl/strings/str_cat.h"
#include "common/files.h"
#include "common/status_macros.h"
#include "common/tls/certificate.h"
#include "common/tls/key.h"

namespace dm {

absl::StatusOr<AgentIdentity> AgentIdentity::Load(const std::string& data_dir) {
  const std::string state_path = data_dir + "/agent.yaml";
  absl::StatusOr<std::string> state_text = ReadFile(state_path);
  if (absl::IsNotFound(state_text.status())) {
    return absl::NotFoundError(absl::StrCat("no enrollment in ", data_dir));
  }
  DM_RETURN_IF_ERROR(state_text.status());

  AgentIdentity identity;
  try {
    YAML::Node root = YAML::Load(*state_text);
    identity.id = root["id"].as<std::string>("");
    identity.name = root["name"].as<std::string>("");
    identity.role = root["role"].as<std::string>("");
    identity.controller = root["controller"].as<std::string>("");
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(absl::StrCat(state_path, ":", e.mark.line + 1, ": ", e.msg));
  }
  for (const auto& [field, value] : {std::pair<const char*, const std::string*>{"id", &identity.id},
                                     {"name", &identity.name},
                                     {"controller", &identity.controller}}) {
    if (value->empty()) {
      return absl::InvalidArgumentError(absl::StrCat(state_path, ": missing field '", field, "'"));
    }
  }
  DM_ASSIGN_OR_RETURN(identity.key_pem, ReadFile(data_dir + "/agent.key"));
  DM_ASSIGN_OR_RETURN(identity.cert_pem, ReadFile(data_dir + "/agent.crt"));
  DM_ASSIGN_OR_RETURN(identity.ca_pem, ReadFile(data_dir + "/ca.crt"));
  if (!PrivateKeyFromPem(identity.key_pem).ok()) {
    return absl::InvalidArgumentError(absl::StrCat(data_dir, "/agent.key: not a private key"));
  }
  if (!Certificate::FromPem(identity.cert_pem).ok()) {
    return absl::InvalidArgumentError(absl::StrCat(data_dir, "/agent.crt: not a certificate"));
  }
  if (!Certificate::FromPem(identity.ca_pem).ok()) {
    return absl::InvalidArgumentError(absl::StrCat(data_dir, "/ca.crt: not a certificate"));
  }
  return identity;
}

absl::Status AgentIdentity::Save(const std::string& data_dir) const {
  DM_RETURN_IF_ERROR(MakeDirectories(data_dir, 0700));
  DM_RETURN_IF_ERROR(WriteFileAtomic(data_dir + "/agent.key", key_pem, 0600));
  DM_RETURN_IF_ERROR(WriteFileAtomic(data_dir + "/agent.crt", cert_pem, 0600));
  DM_RETURN_IF_ERROR(WriteFileAtomic(data_dir + "/ca.crt", ca_pem, 0600));
  YAML::Emitter out;
  out << YAML::Comment("Written by dm-agent at enrollment.");
  out << YAML::BeginMap;
  out << YAML::Key << "id" << YAML::Value << id;
  out << YAML::Key << "name" << YAML::Value << name;
  out << YAML::Key << "role" << YAML::Value << role;
  out << YAML::Key << "controller" << YAML::Value << controller;
  out << YAML::EndMap;
  return WriteFileAtomic(data_dir + "/agent.yaml", std::string(out.c_str()) + "\n", 0600);
}

}  // namespace dm
