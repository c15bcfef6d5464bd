// What a converge did, resource by resource: the report an operator reads (dm-agent apply,
// dmctl runs show) and machines parse (--json). The agent writes it, the controller stores it,
// dmctl shows it.
#ifndef DM_COMMON_RUN_REPORT_H_
#define DM_COMMON_RUN_REPORT_H_

#include <string>
#include <vector>

#include "nlohmann/json.hpp"

namespace dm::cookbook {

struct ResourceReport {
  std::string id, type, name, action;
  std::string status;  // "ok", "changed", "failed", "skipped"
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

  int Count(const std::string& status) const;
  bool failed() const { return Count("failed") > 0; }
  // "converged" (nothing failed), "failed"
  std::string Outcome() const { return failed() ? "failed" : "converged"; }

  nlohmann::json ToJson() const;
  static RunReport FromJson(const nlohmann::json& json);
  // A human summary: changed, failed and skipped resources (all with `verbose`), their
  // changes and diffs, and the totals.
  std::string ToText(bool verbose) const;
};

}  // namespace dm::cookbook

#endif  // DM_COMMON_RUN_REPORT_H_
