// `{{ a.b }}` in recipe values: replaced by the attribute's value when the recipe is loaded.
// Only plain lookups (no sections or logic: that is what templates are for); an attribute that
// is not defined, or is a map or a list, is an error at the value's position.
#ifndef DM_AGENT_COOKBOOK_INTERPOLATE_H_
#define DM_AGENT_COOKBOOK_INTERPOLATE_H_

#include <string>

#include <optional>

#include "common/attributes.h"
#include "common/yaml/validation_errors.h"
#include "common/yaml/yaml_tree.h"

namespace dm::cookbook {

// `mark` is where `text` starts. On a bad reference records an error (prefixed with `context`)
// pointing at its `{{` when the value is on one line, and returns nullopt.
std::optional<std::string> Interpolate(const std::string& text, const Attributes& attributes,
                                       const yaml::Mark& mark, const std::string& context,
                                       yaml::ValidationErrors* errors);

// Text of a scalar attribute (strings as they are, booleans and numbers written out).
std::string ScalarText(const Attributes& value);

}  // namespace dm::cookbook

#endif  // DM_AGENT_COOKBOOK_INTERPOLATE_H_
