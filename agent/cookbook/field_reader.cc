#include "agent/cookbook/field_reader.h"

#include "absl/strings/str_cat.h"
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

}  // namespace dm::cookbook
