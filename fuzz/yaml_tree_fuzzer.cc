// Any bytes as a configuration file: a tree, or an error that says where, in time and memory
// bounded by the input's size (kMaxDepth, kMaxDocumentBytes), and the tree read as attributes.
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/attributes.h"
#include "common/yaml/yaml_tree.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<dm::yaml::Node> root = dm::yaml::Parse(text, "fuzz.yaml");
  if (root.ok()) (void)dm::AttributesFromYaml(*root);
  return 0;
}
