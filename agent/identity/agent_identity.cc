#include "agent/identity/agent_identity.h"

#include "absl/strings/str_cat.h"
#include "common/files.h"
#include "common/status_macros.h"
#include "common/tls/certificate.h"
#include "common/tls/key.h"
#include "common/yaml/field_reader.h"
#include "common/yaml/yaml_tree.h"
#include "common/yaml/yaml_writer.h"

namespace dm {

absl::StatusOr<AgentIdentity> AgentIdentity::Load(const std::string& data_dir) {
  const std::string state_path = data_dir + "/agent.yaml";
  absl::StatusOr<std::string> state_text = ReadFile(state_path);
  if (absl::IsNotFound(state_text.status())) {
    return absl::NotFoundError(absl::StrCat("no enrollment in ", data_dir));
  }
  DM_RETURN_IF_ERROR(state_text.status());

  DM_ASSIGN_OR_RETURN(yaml::Node root, yaml::Parse(*state_text, state_path));
  yaml::ValidationErrors errors;
  yaml::FieldReader fields(root, "", &errors);
  if (!root.IsMap()) fields.Error("", "expected a map with id, name, role and controller");
  AgentIdentity identity;
  identity.id = fields.RequiredString("id");
  identity.name = fields.RequiredString("name");
  identity.role = fields.String("role").value_or("");
  identity.controller = fields.RequiredString("controller");
  fields.RejectUnknown();
  DM_RETURN_IF_ERROR(errors.ToStatus());
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
  std::string text =
      yaml::FlatMap("Written by dm-agent at enrollment.",
                    {{"id", id}, {"name", name}, {"role", role}, {"controller", controller}});
  return WriteFileAtomic(data_dir + "/agent.yaml", text, 0600);
}

}  // namespace dm
