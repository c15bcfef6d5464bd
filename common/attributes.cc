#include "common/attributes.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace dm {

Attributes AttributesFromYaml(const yaml::Node& node) {
  switch (node.kind()) {
    case yaml::Node::Kind::kNull:
      return nullptr;
    case yaml::Node::Kind::kScalar:
      if (node.plain() && (node.scalar() == "true" || node.scalar() == "false"))
        return node.scalar() == "true";
      return node.scalar();
    case yaml::Node::Kind::kSequence: {
      Attributes list = Attributes::array();
      for (const yaml::Node& item : node.items()) list.push_back(AttributesFromYaml(item));
      return list;
    }
    case yaml::Node::Kind::kMap: {
      Attributes map = Attributes::object();
      for (const auto& [key, value] : node.entries()) map[key.scalar()] = AttributesFromYaml(value);
      return map;
    }
  }
  return nullptr;
}

void MergeAttributes(Attributes& base, const Attributes& over) {
  if (!base.is_object() || !over.is_object()) {
    base = over;
    return;
  }
  for (auto it = over.begin(); it != over.end(); ++it) {
    auto existing = base.find(it.key());
    if (existing != base.end() && existing->is_object() && it->is_object()) {
      MergeAttributes(*existing, *it);
    } else {
      base[it.key()] = *it;
    }
  }
}

absl::Status SetAttribute(Attributes& attributes, const std::string& dotted_key,
                          const std::string& value) {
  if (dotted_key.empty()) return absl::InvalidArgumentError("attribute name is empty");
  Attributes* at = &attributes;
  for (absl::string_view part : absl::StrSplit(dotted_key, '.')) {
    if (part.empty())
      return absl::InvalidArgumentError(
          absl::StrCat("attribute name '", dotted_key, "' has an empty part"));
    if (!at->is_object()) *at = Attributes::object();
    at = &(*at)[std::string(part)];
  }
  absl::StatusOr<yaml::Node> parsed = yaml::Parse(value, "--attr " + dotted_key);
  *at = parsed.ok() ? AttributesFromYaml(*parsed) : Attributes(value);
  return absl::OkStatus();
}

const Attributes* FindAttribute(const Attributes& attributes, const std::string& dotted_key) {
  const Attributes* at = &attributes;
  for (absl::string_view part : absl::StrSplit(dotted_key, '.')) {
    if (!at->is_object()) return nullptr;
    auto it = at->find(std::string(part));
    if (it == at->end()) return nullptr;
    at = &*it;
  }
  return at;
}

}  // namespace dm
