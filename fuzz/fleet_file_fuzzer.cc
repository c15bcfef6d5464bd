// Any bytes as a fleet file, read against the repository's own roles (deploy/roles): the fleet,
// or every problem with its line, never a crash.
#include <cstddef>
#include <cstdint>
#include <string>

#include "controller/fleet/model/fleet_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  (void)dm::FleetNameIn(text);
  (void)dm::ParseFleetFile(text, "/nonexistent/fleet.yaml", DM_SOURCE_DIR "/deploy");
  return 0;
}
