// What a converge did, resource by resource: the report an operator reads (dm-agent apply,
// dmctl runs show) and machines parse (--json). The agent writes it, the controller stores it,
// dmctl shows it.
#ifndef DM_COMMON_RUN_REPORT_H_
#define DM_COMMON_RUN_REPORT_H_

#include <string>
#include <vector>

#include "nlohmann/json.hpp"

namespace dm::cookbook {

// What became of one resource (a dry run's "changed": would change).
enum class ResourceStatus { kOk, kChanged, kFailed, kSkipped };

// "ok", "changed", "failed", "skipped": the report's words (its JSON, its text).
const char* ResourceStatusWord(ResourceStatus status);
// The status a word names; kFailed for a word it does not know (a report that cannot be read
// is not a success).
ResourceStatus ResourceStatusFromWord(const std::string& word);

struct ResourceReport {
  std::string id, type, name, action;
  ResourceStatus status = ResourceStatus::kOk;
  double duration_ms = 0;
  std::string message;  // why it failed or was skipped
  std::vector<std::string> changes;
  std::string diff;         // unified diff of content changes (never for sensitive resources)
  std::string output;       // what a command printed
  std::string notified_by;  // set when a notification ran it
};

struct RunReport {
  bool dry_run = false;
  std::vector<std::string> cookbooks;
  std::vector<ResourceReport> resources;
  double duration_ms = 0;

  int Count(ResourceStatus status) const;
  bool failed() const { return Count(ResourceStatus::kFailed) > 0; }

  nlohmann::json ToJson() const;
  static RunReport FromJson(const nlohmann::json& json);
  // A human summary: changed, failed and skipped resources (all with `verbose`), their
  // changes and diffs, and the totals.
  std::string ToText(bool verbose) const;
};

}  // namespace dm::cookbook

#endif  // DM_COMMON_RUN_REPORT_H_
