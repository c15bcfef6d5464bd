// Any bytes as an XML answer (EC2, S3): the element tree, or an error naming the offset, within
// the parser's size and depth limits, never a crash.
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/xml/xml_tree.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)dm::xml::Parse(std::string(reinterpret_cast<const char*>(data), size));
  return 0;
}
