#include "common/yaml/field_reader.h"

#include <cstdlib>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace dm::yaml {

FieldReader::FieldReader(const Node& map, std::string what, ValidationErrors* errors)
    : map_(map), what_(std::move(what)), errors_(errors) {}

std::string FieldReader::FieldName(const std::string& key) const {
  std::string field = absl::StrCat("field '", key, "'");
  return what_.empty() ? field : absl::StrCat(what_, ": ", field);
}

void FieldReader::Error(const std::string& key, const std::string& message) {
  const Node* node = key.empty() || !map_.IsMap() ? nullptr : map_.Find(key);
  std::string subject = key.empty() ? what_ : FieldName(key);
  errors_->Add(node ? node->mark() : map_.mark(),
               subject.empty() ? message : absl::StrCat(subject, ": ", message));
}

const Node* FieldReader::Raw(const std::string& key) {
  known_.insert(key);
  return map_.IsMap() ? map_.Find(key) : nullptr;
}

std::optional<std::string> FieldReader::ScalarValue(const Node& node, const std::string& key) {
  (void)key;
  return node.scalar();
}

std::optional<std::string> FieldReader::ScalarText(const Node& node, const std::string& key) {
  if (!node.IsScalar()) {
    errors_->Add(node.mark(),
                 absl::StrCat(FieldName(key), ": must be a single value, not ", node.KindName()));
    return std::nullopt;
  }
  return ScalarValue(node, key);
}

std::optional<std::string> FieldReader::String(const std::string& key) {
  const Node* node = Raw(key);
  if (node == nullptr || node->IsNull()) return std::nullopt;
  return ScalarText(*node, key);
}

std::string FieldReader::RequiredString(const std::string& key) {
  const Node* node = Raw(key);
  if (node == nullptr || node->IsNull()) {
    errors_->Add(map_.mark(), absl::StrCat(FieldName(key), " is required"));
    return "";
  }
  return ScalarText(*node, key).value_or("");
}

std::string FieldReader::Secret(const std::string& key) {
  const Node* node = Raw(key);
  if (node == nullptr || node->IsNull()) {
    errors_->Add(map_.mark(), absl::StrCat(FieldName(key), " is required"));
    return "";
  }
  if (!node->IsScalar() || node->scalar().empty()) {
    errors_->Add(node->mark(), absl::StrCat(FieldName(key), ": must be the secret as one value"));
    return "";
  }
  return node->scalar();
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
  // A bare number is seconds; "500ms", "2s", "1m30s" say their unit.
  double seconds = 0;
  absl::Duration duration;
  if (absl::SimpleAtod(*value, &seconds)) {
    duration = absl::Seconds(seconds);
  } else if (!absl::ParseDuration(*value, &duration)) {
    duration = absl::ZeroDuration();
  }
  if (duration <= absl::ZeroDuration()) {
    Error(key, absl::StrCat("must be a positive duration such as 5 (seconds), 2s or 500ms, not '",
                            *value, "'"));
    return std::nullopt;
  }
  return duration;
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

std::optional<std::vector<std::string>> FieldReader::ScalarAsList(const Node& /*node*/,
                                                                  const std::string& /*key*/) {
  return std::nullopt;
}

std::vector<std::string> FieldReader::StringList(const std::string& key) {
  const Node* node = Raw(key);
  std::vector<std::string> out;
  if (node == nullptr || node->IsNull()) return out;
  if (node->IsScalar()) {
    if (std::optional<std::vector<std::string>> list = ScalarAsList(*node, key)) return *list;
    if (auto text = ScalarText(*node, key)) out.push_back(*text);
    return out;
  }
  if (!node->IsSequence()) {
    Error(key, absl::StrCat("must be a value or a list of values, not ", node->KindName()));
    return out;
  }
  for (const Node& item : node->items()) {
    if (auto text = ScalarText(item, key)) out.push_back(*text);
  }
  return out;
}

std::map<std::string, std::string> FieldReader::StringMap(const std::string& key) {
  const Node* node = Raw(key);
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
  if (!map_.IsMap()) return;
  for (const auto& [key, value] : map_.entries()) {
    if (known_.count(key.scalar()) == 0) {
      std::string field = absl::StrCat("unknown field '", key.scalar(), "'");
      errors_->Add(key.mark(), what_.empty() ? field : absl::StrCat(what_, ": ", field));
    }
  }
}

}  // namespace dm::yaml
