// Reads the fields of one YAML map (a config file, a fleet file's section, a cookbook resource)
// with the right types, and records every problem (missing, wrong type, unknown field) at the
// field's position: "file:line:column: WHAT: field 'KEY': must be a single value, not a map".
//
// Every accessor marks its key as known; RejectUnknown() then reports the rest, so a typo is
// never silently ignored. Values are read as their text; a subclass may turn that text into
// the value (the cookbook engine interpolates attributes: cookbook::FieldReader).
#ifndef DM_COMMON_YAML_FIELD_READER_H_
#define DM_COMMON_YAML_FIELD_READER_H_

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "common/yaml/validation_errors.h"
#include "common/yaml/yaml_tree.h"

namespace dm::yaml {

class FieldReader {
 public:
  // `what` names the map in messages ("file[/etc/motd]", "fleet: app"; "" for a file's top
  // level). `map` may be any node: a caller that needs a map says so with Error("", ...).
  FieldReader(const Node& map, std::string what, ValidationErrors* errors);
  virtual ~FieldReader() = default;
  FieldReader(const FieldReader&) = delete;
  FieldReader& operator=(const FieldReader&) = delete;

  // Text fields. Required ones record an error when missing and return "".
  std::string RequiredString(const std::string& key);
  // A required secret exactly as written: never interpolated (an interpolation error would quote
  // it), and no message this reader records ever holds it.
  std::string Secret(const std::string& key);
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
  // The raw node (its text as written), or nullptr; marks the field as known.
  const Node* Raw(const std::string& key);

  // Records an error about field `key` (or about the map itself when `key` is "").
  void Error(const std::string& key, const std::string& message);
  // Records every field that no accessor asked for as unknown. Call once, last.
  void RejectUnknown();

  const Mark& mark() const { return map_.mark(); }
  const std::string& what() const { return what_; }
  ValidationErrors* errors() const { return errors_; }

 protected:
  // The value of field `key`, a scalar written at `node`: its text, unless a subclass makes
  // more of it. nullopt after recording an error.
  virtual std::optional<std::string> ScalarValue(const Node& node, const std::string& key);
  // A list field written as one scalar at `node`: nullopt to read it as a list of that one value
  // (the default), or the whole list a subclass makes of it.
  virtual std::optional<std::vector<std::string>> ScalarAsList(const Node& node,
                                                               const std::string& key);
  // "WHAT: field 'KEY'" (or "field 'KEY'" without a what): how messages name a field.
  std::string FieldName(const std::string& key) const;

 private:
  // Records an error unless `node` is a scalar; then its value.
  std::optional<std::string> ScalarText(const Node& node, const std::string& key);

  const Node& map_;
  std::string what_;
  ValidationErrors* errors_;
  std::set<std::string> known_;
};

}  // namespace dm::yaml

#endif  // DM_COMMON_YAML_FIELD_READER_H_
