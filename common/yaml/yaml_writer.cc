#include "common/yaml/yaml_writer.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"

namespace dm::yaml {

std::string Quote(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u == 0x7f) {
      absl::StrAppendFormat(&out, "\\x%02x", u);
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string FlatMap(const std::string& comment,
                    const std::vector<std::pair<std::string, std::string>>& entries) {
  std::string out;
  if (!comment.empty()) {
    for (absl::string_view line : absl::StrSplit(comment, '\n'))
      absl::StrAppend(&out, "# ", line, "\n");
  }
  for (const auto& [key, value] : entries) absl::StrAppend(&out, key, ": ", Quote(value), "\n");
  return out;
}

}  // namespace dm::yaml
