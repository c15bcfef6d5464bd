// Mustache templates (kainjow-mustache), checked first: every variable a template uses must be
// defined in its data, or the template is an error at that variable's line and column (plain
// Mustache would silently render nothing there).
//
// Values are inserted as they are: these are configuration files, not HTML, so there is no
// HTML escaping ({{x}}, {{{x}}} and {{&x}} are the same). Partials and delimiter changes are
// not supported.
#ifndef DM_AGENT_COOKBOOK_TEMPLATE_RENDERER_H_
#define DM_AGENT_COOKBOOK_TEMPLATE_RENDERER_H_

#include <optional>
#include <string>

#include "common/attributes.h"
#include "common/yaml/validation_errors.h"

namespace dm::cookbook {

// Renders `text` (read from `file`) with `data`. Records each problem in `errors` (prefixed
// with `context`) and returns nullopt if there is any.
std::optional<std::string> RenderTemplate(const std::string& text, const std::string& file,
                                          const Attributes& data, const std::string& context,
                                          yaml::ValidationErrors* errors);

}  // namespace dm::cookbook

#endif  // DM_AGENT_COOKBOOK_TEMPLATE_RENDERER_H_
