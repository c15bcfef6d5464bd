// Validation collects every problem in a configuration file (a cookbook, a fleet file, a backup
// store, dm-agent's and dmctl's own files) before anything acts on it, each with the file, line
// and column it is about, so that an operator fixes them all in one pass.
#ifndef DM_COMMON_YAML_VALIDATION_ERRORS_H_
#define DM_COMMON_YAML_VALIDATION_ERRORS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "common/yaml/yaml_tree.h"

namespace dm::yaml {

struct ValidationError {
  Mark mark;  // no file: the message carries its own position (a YAML syntax error's)
  std::string message;
  std::string ToString() const { return mark.file ? mark.ToString() + ": " + message : message; }
};

class ValidationErrors {
 public:
  void Add(const Mark& mark, std::string message) { errors_.push_back({mark, std::move(message)}); }
  // A message that already says where it is ("file:line:column: ...").
  void AddPositioned(std::string message) { errors_.push_back({Mark{}, std::move(message)}); }
  bool empty() const { return errors_.empty(); }
  const std::vector<ValidationError>& errors() const { return errors_; }

  // InvalidArgument listing every error, one per line; OK when there are none.
  absl::Status ToStatus() const;

 private:
  std::vector<ValidationError> errors_;
};

}  // namespace dm::yaml

#endif  // DM_COMMON_YAML_VALIDATION_ERRORS_H_
