// Any bytes as a template, checked and rendered with attributes like a role's: the text, or
// every problem with its line, never a crash.
#include <cstddef>
#include <cstdint>
#include <string>

#include "agent/cookbook/template_renderer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const dm::Attributes* attributes = new dm::Attributes(dm::Attributes::parse(R"({
    "site": {"name": "shop", "domain": "shop.test", "port": 8000, "tls": false},
    "upstreams": [{"address": "10.0.0.2", "port": 8000}, {"address": "10.0.0.3", "port": 8000}],
    "empty": [], "nothing": null, "text": "<b>&amp;</b>"
  })"));
  const std::string text(reinterpret_cast<const char*>(data), size);
  dm::yaml::ValidationErrors errors;
  (void)dm::cookbook::RenderTemplate(text, "fuzz.mustache", *attributes, "template: ", &errors);
  return 0;
}
