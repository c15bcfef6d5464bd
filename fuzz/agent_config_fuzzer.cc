// Any bytes as dm-agent's configuration file (/etc/dm/agent.yaml): its fields, or every problem
// with its line, never a crash.
#include <cstddef>
#include <cstdint>
#include <string>

#include "agent/config/agent_config_file.h"
#include "fuzz/scratch_files.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string dir = dm::fuzz::EmptyScratchDir();
  dm::fuzz::WriteScratchFile(dir, "agent.yaml",
                             std::string(reinterpret_cast<const char*>(data), size));
  (void)dm::ReadAgentConfigFile(dir + "/agent.yaml");
  return 0;
}
