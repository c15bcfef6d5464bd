#include "dmctl/output/agent_json.h"

#include "common/state_words.h"
#include "dmctl/output/format.h"

namespace dm::dmctl {

nlohmann::json AgentToJson(const dm::v1::Agent& a) {
  const dm::v1::Facts& f = a.facts();
  return {
      {"name", a.name()},
      {"id", a.id()},
      {"role", a.role()},
      {"state", AgentStateWord(a.state())},
      {"address", a.address()},
      {"version", a.version()},
      {"last_seen", JsonTime(a.last_seen_unix_ms())},
      {"enrolled", JsonTime(a.enrolled_unix_ms())},
      {"cert_serial", a.cert_serial()},
      {"cert_expires", JsonTime(a.cert_expires_unix_ms())},
      {"facts",
       {{"hostname", f.hostname()},
        {"os", f.os_name()},
        {"os_id", f.os_id()},
        {"os_version", f.os_version()},
        {"kernel", f.kernel()},
        {"arch", f.arch()},
        {"addresses", std::vector<std::string>(f.addresses().begin(), f.addresses().end())},
        {"cpus", f.cpu_count()},
        {"memory_bytes", f.memory_bytes()}}},
  };
}

}  // namespace dm::dmctl
