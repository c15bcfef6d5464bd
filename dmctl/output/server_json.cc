#include "dmctl/output/server_json.h"

#include "common/state_words.h"
#include "dmctl/output/format.h"

namespace dm::dmctl {

nlohmann::json ServerToJson(const dm::v1::Server& s) {
  return {{"name", s.name()},
          {"provider", s.provider()},
          {"state", ServerStateWord(s.state())},
          {"address", s.address()},
          {"private_address", s.private_address()},
          {"provider_id", s.provider_id()},
          {"recorded", s.recorded()},
          {"image", s.image()},
          {"size", s.size()},
          {"region", s.region()},
          {"role", s.role()},
          {"fleet", s.fleet()},
          {"ssh_host_key_fingerprint", s.ssh_host_key_fingerprint()},
          {"created", JsonTime(s.created_unix_ms())},
          {"bootstrap", BootstrapStateWord(s.bootstrap())},
          {"bootstrap_message", s.bootstrap_message()},
          {"agent", s.agent() == dm::v1::AGENT_STATE_UNSPECIFIED
                        ? nlohmann::json(nullptr)
                        : nlohmann::json(AgentStateWord(s.agent()))}};
}

}  // namespace dm::dmctl
