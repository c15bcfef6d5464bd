// dm-agent's configuration file (--config; bootstrap writes /etc/dm/agent.yaml):
//
//   controller: 10.77.0.1:7443   # HOST:PORT to dial
//   name: shop-appnode-1         # the agent's name in the fleet
//   token: "..."                 # a join token, used once to enroll
//   data_dir: /var/lib/dm-agent  # its key and certificates
//
// Every field is optional; flags given on the command line win over the file.
#ifndef DM_AGENT_CONFIG_AGENT_CONFIG_FILE_H_
#define DM_AGENT_CONFIG_AGENT_CONFIG_FILE_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"

namespace dm {

struct AgentConfigFile {
  std::optional<std::string> controller;
  std::optional<std::string> name;
  std::optional<std::string> token;
  std::optional<std::string> data_dir;
};

// InvalidArgument naming the file, line and column of every problem (not YAML, a field it does
// not know, a list or map where a value belongs). NotFound if there is no such file.
absl::StatusOr<AgentConfigFile> ReadAgentConfigFile(const std::string& path);

}  // namespace dm

#endif  // DM_AGENT_CONFIG_AGENT_CONFIG_FILE_H_
