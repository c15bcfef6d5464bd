// Reads a resource's fields from its YAML map (yaml::FieldReader: types, positions, unknown
// fields), interpolating attributes (`{{ a.b }}`) into every value it reads.
#ifndef DM_AGENT_COOKBOOK_FIELD_READER_H_
#define DM_AGENT_COOKBOOK_FIELD_READER_H_

#include <optional>
#include <string>
#include <vector>

#include "common/attributes.h"
#include "common/yaml/field_reader.h"
#include "common/yaml/validation_errors.h"

namespace dm::cookbook {

class FieldReader : public yaml::FieldReader {
 public:
  // `what` names the resource in messages ("file[/etc/motd]").
  FieldReader(const yaml::Node& map, std::string what, const Attributes& attributes,
              yaml::ValidationErrors* errors)
      : yaml::FieldReader(map, std::move(what), errors), attributes_(attributes) {}

  const Attributes& attributes() const { return attributes_; }
  // True when `node` is a scalar that is exactly one reference to a list attribute: a field that
  // takes a text or a list (execute's command) then reads it as that list.
  bool NamesAList(const yaml::Node& node) const;

 protected:
  std::optional<std::string> ScalarValue(const yaml::Node& node, const std::string& key) override;
  // `packages: "{{app.packages}}"`: a list field that is exactly one reference to a list
  // attribute takes that list (each item a single value), so that a fleet can say how long it is.
  std::optional<std::vector<std::string>> ScalarAsList(const yaml::Node& node,
                                                       const std::string& key) override;

 private:
  const Attributes& attributes_;
};

}  // namespace dm::cookbook

#endif  // DM_AGENT_COOKBOOK_FIELD_READER_H_
