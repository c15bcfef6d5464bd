#include "controller/providers/local/host_tools.h"

#include "common/process.h"

namespace dm::local {

void TryTool(const std::vector<std::string>& argv) { RunChecked(argv).status().IgnoreError(); }

}  // namespace dm::local
