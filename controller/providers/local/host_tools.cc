#include "controller/providers/local/host_tools.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/process.h"

namespace dm::local {

absl::StatusOr<std::string> Tool(const std::vector<std::string>& argv, absl::Duration timeout) {
  ProcessSpec spec;
  spec.argv = argv;
  spec.timeout = timeout;
  absl::StatusOr<ProcessResult> result = RunProcess(spec);
  if (!result.ok()) return result.status();
  if (!result->ok()) {
    return absl::InternalError(absl::StrCat(absl::StrJoin(argv, " "), ": ", result->Describe(), ": ", result->output));
  }
  return result->output;
}

void TryTool(const std::vector<std::string>& argv) {
  absl::StatusOr<std::string> ignored = Tool(argv);
  (void)ignored;
}

}  // namespace dm::local
