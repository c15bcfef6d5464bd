#include "common/yaml/validation_errors.h"

#include "absl/strings/str_cat.h"

namespace dm::yaml {

absl::Status ValidationErrors::ToStatus() const {
  if (errors_.empty()) return absl::OkStatus();
  std::string text;
  for (const ValidationError& e : errors_)
    absl::StrAppend(&text, text.empty() ? "" : "\n", e.ToString());
  return absl::InvalidArgumentError(text);
}

}  // namespace dm::yaml
