// Any bytes as a cookbook folder: recipe.yaml, and beside it whatever files "== NAME ==" lines
// start (attributes.yaml, health.yaml, templates/..., roles/web.yaml and cookbooks/NAME/...),
// loaded as `dm-agent apply` loads them: the run list, or every problem, never a crash.
#include <cstddef>
#include <cstdint>
#include <string>

#include "agent/cookbook/run_list.h"
#include "common/files.h"
#include "fuzz/scratch_files.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  const std::string dir = dm::fuzz::EmptyScratchDir();
  for (const auto& [name, content] : dm::fuzz::SplitIntoFiles(input, "recipe.yaml")) {
    if (name != "recipe.yaml" || !content.empty()) dm::fuzz::WriteScratchFile(dir, name, content);
  }
  dm::cookbook::LoadOptions options;
  options.path = dir;
  // A folder of roles is loaded for its role "web".
  if (!dm::PathExists(dir + "/recipe.yaml")) options.role = "web";
  (void)dm::cookbook::LoadRunList(options);
  return 0;
}
