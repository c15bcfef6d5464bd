// Any two texts (the input's halves: a managed file as it was on the host, and as the cookbook
// would write it) diffed for a dry run: in time bounded by their sizes, never a crash.
#include <cstddef>
#include <cstdint>
#include <string>

#include "agent/cookbook/unified_diff.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  const std::string before = input.substr(0, size / 2);
  const std::string after = input.substr(size / 2);
  const std::string diff = dm::cookbook::UnifiedDiff(before, after, "before", "after");
  if (before == after && !diff.empty()) __builtin_trap();  // equal texts have no diff
  return 0;
}
