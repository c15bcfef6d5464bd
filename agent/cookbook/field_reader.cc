#include "agent/cookbook/field_reader.h"

#include <cstdlib>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "agent/cookbook/interpolate.h"

namespace dm::cookbook {

FieldReader::FieldReader(const yaml::Node& map, std::string what, const Attributes& attributes,
                         ValidationErrors* errors)
    : map_(map), what_(std::move(what)), attributes_(attributes), errors_(errors) {}

void FieldReader::Error(const std::string& key, const std::string& message) {
  const yaml::Node* node = map_.Find(key);
  std::string field = key.empty() ? "" : absl::StrCat(": field '", key, "'");
  errors_->Add(node ? node->mark() : map_.mark(), absl::StrCat(what_, field, ": ", message));
}

const yaml::Node* FieldReader::Raw(const std::string& key) {
  known_.insert(key);
  return map_.Find(key);
}

std::optional<std::string> FieldReader::ScalarText(const yaml::Node& node, const std::string& key) {
  if (!node.IsScalar()) {
    Error(key, absl::StrCat("must be a single value, not ", node.KindName()));
    return std::nullopt;
  }
  // Quoted values start one column after their mark (the quote).
  yaml::Mark at = node.mark();
  if (!node.plain()) at.column += 1;
  return Interpolate(node.scalar(), attributes_, at, absl::StrCat(what_, ": field '", key, "': "),
                     errors_);
}

std::optional<std::string> FieldReader::String(const std::string& key) {
  const yaml::Node* node = Raw(key);
  if (node == nullptr || node->IsNull()) return std::nullopt;
  return ScalarText(*node, key);
}

std::string FieldReader::RequiredString(const std::string& key) {
  const yaml::Node* node = Raw(key);
  if (node == nullptr || node->IsNull()) {
    errors_->Add(map_.mark(), absl::StrCat(what_, ": field '", key, "' is required"));
    return "";
  }
  return ScalarText(*node, key).value_or("");
}

std::string FieldReader::Choice(const std::string& key, const std::vector<std::string>& allowed,
                                const std::string& fallback) {
  std::optional<std::string> value = String(key);
  if (!value) return fallback;
  for (const std::string& a : allowed) {
    if (*value == a) return a;
  }
  Error(key, absl::StrCat("'", *value, "' is not one of: ", absl::StrJoin(allowed, ", ")));
  return fallback;
}

bool FieldReader::Bool(const std::string& key, bool fallback) {
  std::optional<std::string> value = String(key);
  if (!value) return fallback;
  if (*value == "true" || *value == "yes") return true;
  if (*value == "false" || *value == "no") return false;
  Error(key, absl::StrCat("must be true or false, not '", *value, "'"));
  return fallback;
}

std::optional<mode_t> FieldReader::Mode(const std::string& key) {
  std::optional<std::string> value = String(key);
  if (!value) return std::nullopt;
  char* end = nullptr;
  long mode = std::strtol(value->c_str(), &end, 8);
  if (value->empty() || *end != '\0' || mode < 0 || mode > 07777) {
    Error(key, absl::StrCat("must be an octal mode such as \"0644\", not '", *value, "'"));
    return std::nullopt;
  }
  return static_cast<mode_t>(mode);
}

std::optional<absl::Duration> FieldReader::Seconds(const std::string& key) {
  std::optional<std::string> value = String(key);
  if (!value) return std::nullopt;
  double seconds = 0;
  if (!absl::SimpleAtod(*value, &seconds) || seconds <= 0) {
    Error(key, absl::StrCat("must be a positive number of seconds, not '", *value, "'"));
    return std::nullopt;
  }
  return absl::Seconds(seconds);
}

std::optional<int64_t> FieldReader::Integer(const std::string& key, int64_t min, int64_t max) {
  std::optional<std::string> value = String(key);
  if (!value) return std::nullopt;
  int64_t n = 0;
  if (!absl::SimpleAtoi(*value, &n) || n < min || n > max) {
    Error(key,
          absl::StrCat("must be a whole number from ", min, " to ", max, ", not '", *value, "'"));
    return std::nullopt;
  }
  return n;
}

std::vector<std::string> FieldReader::StringList(const std::string& key) {
  const yaml::Node* node = Raw(key);
  std::vector<std::string> out;
  if (node == nullptr || node->IsNull()) return out;
  if (node->IsScalar()) {
    if (auto text = ScalarText(*node, key)) out.push_back(*text);
    return out;
  }
  if (!node->IsSequence()) {
    Error(key, absl::StrCat("must be a value or a list of values, not ", node->KindName()));
    return out;
  }
  for (const yaml::Node& item : node->items()) {
    if (auto text = ScalarText(item, key)) out.push_back(*text);
  }
  return out;
}

std::map<std::string, std::string> FieldReader::StringMap(const std::string& key) {
  const yaml::Node* node = Raw(key);
  std::map<std::string, std::string> out;
  if (node == nullptr || node->IsNull()) return out;
  if (!node->IsMap()) {
    Error(key, absl::StrCat("must be a map, not ", node->KindName()));
    return out;
  }
  for (const auto& [k, v] : node->entries()) {
    if (auto text = ScalarText(v, key)) out[k.scalar()] = *text;
  }
  return out;
}

void FieldReader::RejectUnknown() {
  for (const auto& [key, value] : map_.entries()) {
    if (known_.count(key.scalar()) == 0) {
      errors_->Add(key.mark(), absl::StrCat(what_, ": unknown field '", key.scalar(), "'"));
    }
  }
}

}  // namespace dm::cookbook
