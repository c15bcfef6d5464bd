// Attributes: the data that cookbooks, recipes and templates are written against, and that the
// controller computes for each host of a fleet (its wiring).
//
// Four layers merge, later ones winning (docs/cookbooks.md): each cookbook's attributes.yaml
// (defaults) < the role's `attributes:` < the fleet's < the host's (`--attr key=value`). Maps
// merge key by key, all the way down; any other value (text, list) is replaced whole.
#ifndef DM_COMMON_ATTRIBUTES_H_
#define DM_COMMON_ATTRIBUTES_H_

#include <string>

#include "absl/status/statusor.h"
#include "common/yaml/yaml_tree.h"
#include "nlohmann/json.hpp"

namespace dm {

using Attributes = nlohmann::json;

// Converts YAML to attribute data: maps, lists, and scalars as text, except plain true/false
// (booleans, so that templates can test them in sections).
Attributes AttributesFromYaml(const yaml::Node& node);

// Merges `over` into `base` (see above).
void MergeAttributes(Attributes& base, const Attributes& over);

// Sets "a.b.c" to `value` (parsed as in AttributesFromYaml when it is YAML text).
absl::Status SetAttribute(Attributes& attributes, const std::string& dotted_key,
                          const std::string& value);

// The value at "a.b.c", or nullptr.
const Attributes* FindAttribute(const Attributes& attributes, const std::string& dotted_key);

}  // namespace dm

#endif  // DM_COMMON_ATTRIBUTES_H_
