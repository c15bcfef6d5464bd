// Any bytes as the health checks the controller sends an agent (JSON): checks that read back
// the same once written, or a refusal, never a crash.
#include <cstddef>
#include <cstdint>
#include <string>

#include "agent/health/check_spec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto checks = dm::health::ChecksFromJson(text);
  if (!checks.ok()) return 0;
  auto again = dm::health::ChecksFromJson(dm::health::ChecksToJson(*checks));
  if (!again.ok() || again->size() != checks->size()) __builtin_trap();
  return 0;
}
