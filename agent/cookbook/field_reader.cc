#include "agent/cookbook/field_reader.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "agent/cookbook/interpolate.h"

namespace dm::cookbook {

std::optional<std::string> FieldReader::ScalarValue(const yaml::Node& node,
                                                    const std::string& key) {
  // Most values refer to no attribute: they need neither the scan nor a message's context.
  if (node.scalar().find("{{") == std::string::npos) return node.scalar();
  // Quoted values start one column after their mark (the quote).
  yaml::Mark at = node.mark();
  if (!node.plain()) at.column += 1;
  return Interpolate(node.scalar(), attributes_, at, FieldName(key) + ": ", errors());
}

namespace {

// The attribute that `text` is exactly one reference to ("{{ a.b }}"), or "".
std::string WholeReference(absl::string_view text) {
  text = absl::StripAsciiWhitespace(text);
  if (!absl::ConsumePrefix(&text, "{{") || !absl::ConsumeSuffix(&text, "}}") ||
      absl::StrContains(text, "{{") || absl::StrContains(text, "}}"))
    return "";
  return std::string(absl::StripAsciiWhitespace(text));
}

}  // namespace

bool FieldReader::NamesAList(const yaml::Node& node) const {
  if (!node.IsScalar()) return false;
  const std::string name = WholeReference(node.scalar());
  const Attributes* value = name.empty() ? nullptr : FindAttribute(attributes_, name);
  return value != nullptr && value->is_array();
}

std::optional<std::vector<std::string>> FieldReader::ScalarAsList(const yaml::Node& node,
                                                                  const std::string& key) {
  if (!NamesAList(node)) return std::nullopt;  // a single value, or an error said as one
  const std::string name = WholeReference(node.scalar());
  const Attributes* value = FindAttribute(attributes_, name);
  std::vector<std::string> items;
  for (const Attributes& item : *value) {
    if (item.is_object() || item.is_array()) {
      Error(key, absl::StrCat("attribute '", name, "' must be a list of single values"));
      return std::vector<std::string>();
    }
    items.push_back(cookbook::ScalarText(item));
  }
  return items;
}

}  // namespace dm::cookbook
