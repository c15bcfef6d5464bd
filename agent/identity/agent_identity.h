// What an enrolled agent keeps in its data directory (0700), all files 0600:
//
//   agent.key    its private key (generated on the host, never sent anywhere)
//   agent.crt    its certificate, signed by the controller's CA
//   ca.crt       the controller's CA, pinned at enrollment: the only one it trusts
//   agent.yaml   id, name, role and the controller's address
//
// agent.yaml is written last, so its presence means the enrollment completed.
#ifndef DM_AGENT_IDENTITY_AGENT_IDENTITY_H_
#define DM_AGENT_IDENTITY_AGENT_IDENTITY_H_

#include <string>

#include "absl/status/statusor.h"

namespace dm {

struct AgentIdentity {
  std::string id;
  std::string name;
  std::string role;
  std::string controller;  // HOST:PORT
  std::string key_pem;
  std::string cert_pem;
  std::string ca_pem;

  // NotFound if `data_dir` holds no completed enrollment; InvalidArgument naming the file if
  // one of its files is damaged.
  static absl::StatusOr<AgentIdentity> Load(const std::string& data_dir);
  // Creates `data_dir` (0700) if needed and writes every file atomically, agent.yaml last.
  absl::Status Save(const std::string& data_dir) const;
};

}  // namespace dm

#endif  // DM_AGENT_IDENTITY_AGENT_IDENTITY_H_
