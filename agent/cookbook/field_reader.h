// Reads a resource's fields from its YAML map with the right types, interpolating attributes,
// and records every problem (missing, wrong type, unknown field) at the field's position.
#ifndef DM_AGENT_COOKBOOK_FIELD_READER_H_
#define DM_AGENT_COOKBOOK_FIELD_READER_H_

#include <sys/types.h>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "agent/cookbook/attributes.h"
#include "agent/cookbook/validation_errors.h"
#include "common/yaml/yaml_tree.h"

namespace dm::cookbook {

class FieldReader {
 public:
  // `what` names the resource in messages ("file[/etc/motd]").
  FieldReader(const yaml::Node& map, std::string what, const Attributes& attributes,
              ValidationErrors* errors);

  // Text fields. Required ones record an error when missing and return "".
  std::string RequiredString(const std::string& key);
  std::optional<std::string> String(const std::string& key);
  // One of `allowed`, `fallback` when absent.
  std::string Choice(const std::string& key, const std::vector<std::string>& allowed,
                     const std::string& fallback);
  bool Bool(const std::string& key, bool fallback);
  std::optional<mode_t> Mode(const std::string& key);
  std::optional<absl::Duration> Seconds(const std::string& key);
  std::optional<int64_t> Integer(const std::string& key, int64_t min, int64_t max);
  // A list of text values; a single value is a list of one.
  std::vector<std::string> StringList(const std::string& key);
  std::map<std::string, std::string> StringMap(const std::string& key);
  // The raw node (not interpolated), or nullptr; marks the field as known.
  const yaml::Node* Raw(const std::string& key);

  // Records an error about field `key` (or about the resource when it is absent).
  void Error(const std::string& key, const std::string& message);
  // Records every field that no accessor asked for as unknown. Call once, last.
  void RejectUnknown();

  const yaml::Mark& mark() const { return map_.mark(); }
  const Attributes& attributes() const { return attributes_; }
  ValidationErrors* errors() const { return errors_; }

 private:
  std::optional<std::string> ScalarText(const yaml::Node& node, const std::string& key);

  const yaml::Node& map_;
  std::string what_;
  const Attributes& attributes_;
  ValidationErrors* errors_;
  std::set<std::string> known_;
};

}  // namespace dm::cookbook

#endif  // DM_AGENT_COOKBOOK_FIELD_READER_H_
