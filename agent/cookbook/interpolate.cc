#include "agent/cookbook/interpolate.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace dm::cookbook {

std::string ScalarText(const Attributes& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_null()) return "";
  return value.dump();
}

std::optional<std::string> Interpolate(const std::string& text, const Attributes& attributes,
                                       const yaml::Mark& mark, const std::string& context,
                                       yaml::ValidationErrors* errors) {
  size_t open = text.find("{{");
  if (open == std::string::npos) return text;  // the common case: nothing to do
  std::string out;
  size_t done = 0;
  while (open != std::string::npos) {
    yaml::Mark at = mark;
    if (text.find('\n') == std::string::npos) at.column += static_cast<int>(open);
    size_t close = text.find("}}", open + 2);
    if (close == std::string::npos) {
      errors->Add(at, absl::StrCat(context, "'{{' without a closing '}}'"));
      return std::nullopt;
    }
    std::string name(
        absl::StripAsciiWhitespace(absl::string_view(text).substr(open + 2, close - open - 2)));
    const Attributes* value = FindAttribute(attributes, name);
    if (value == nullptr) {
      errors->Add(at, absl::StrCat(context, "attribute '", name, "' is not defined"));
      return std::nullopt;
    }
    if (value->is_object() || value->is_array()) {
      errors->Add(at,
                  absl::StrCat(context, "attribute '", name, "' is ",
                               value->is_object() ? "a map" : "a list",
                               "; only single values can be used in a recipe (use a template)"));
      return std::nullopt;
    }
    out.append(text, done, open - done);
    out += ScalarText(*value);
    done = close + 2;
    open = text.find("{{", done);
  }
  out.append(text, done, std::string::npos);
  return out;
}

}  // namespace dm::cookbook
