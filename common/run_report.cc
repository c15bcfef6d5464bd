#include "common/run_report.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace dm::cookbook {

const char* ResourceStatusWord(ResourceStatus status) {
  switch (status) {
    case ResourceStatus::kOk:
      return "ok";
    case ResourceStatus::kChanged:
      return "changed";
    case ResourceStatus::kFailed:
      return "failed";
    case ResourceStatus::kSkipped:
      return "skipped";
  }
  return "failed";
}

ResourceStatus ResourceStatusFromWord(const std::string& word) {
  for (ResourceStatus s :
       {ResourceStatus::kOk, ResourceStatus::kChanged, ResourceStatus::kSkipped}) {
    if (word == ResourceStatusWord(s)) return s;
  }
  return ResourceStatus::kFailed;
}

int RunReport::Count(ResourceStatus status) const {
  int n = 0;
  for (const ResourceReport& r : resources) n += r.status == status;
  return n;
}

nlohmann::json RunReport::ToJson() const {
  nlohmann::json list = nlohmann::json::array();
  for (const ResourceReport& r : resources) {
    nlohmann::json j = {{"resource", r.id},
                        {"type", r.type},
                        {"name", r.name},
                        {"action", r.action},
                        {"status", ResourceStatusWord(r.status)},
                        {"duration_ms", r.duration_ms},
                        {"message", r.message},
                        {"changes", r.changes}};
    if (!r.diff.empty()) j["diff"] = r.diff;
    if (!r.output.empty()) j["output"] = r.output;
    if (!r.notified_by.empty()) j["notified_by"] = r.notified_by;
    list.push_back(std::move(j));
  }
  return {{"status", failed() ? "failed" : "converged"},
          {"dry_run", dry_run},
          {"cookbooks", cookbooks},
          {"duration_ms", duration_ms},
          {"totals",
           {{"resources", resources.size()},
            {"ok", Count(ResourceStatus::kOk)},
            {"changed", Count(ResourceStatus::kChanged)},
            {"failed", Count(ResourceStatus::kFailed)},
            {"skipped", Count(ResourceStatus::kSkipped)}}},
          {"resources", list}};
}

RunReport RunReport::FromJson(const nlohmann::json& json) {
  RunReport report;
  report.dry_run = json.value("dry_run", false);
  report.cookbooks = json.value("cookbooks", std::vector<std::string>{});
  report.duration_ms = json.value("duration_ms", 0.0);
  for (const nlohmann::json& j : json.value("resources", nlohmann::json::array())) {
    ResourceReport r;
    r.id = j.value("resource", "");
    r.type = j.value("type", "");
    r.name = j.value("name", "");
    r.action = j.value("action", "");
    r.status = ResourceStatusFromWord(j.value("status", ""));
    r.duration_ms = j.value("duration_ms", 0.0);
    r.message = j.value("message", "");
    r.changes = j.value("changes", std::vector<std::string>{});
    r.diff = j.value("diff", "");
    r.output = j.value("output", "");
    r.notified_by = j.value("notified_by", "");
    report.resources.push_back(std::move(r));
  }
  return report;
}

std::string RunReport::ToText(bool verbose) const {
  std::string out;
  for (const ResourceReport& r : resources) {
    if (r.status == ResourceStatus::kOk && !verbose) continue;
    const bool changed = r.status == ResourceStatus::kChanged;
    std::string status = changed && dry_run ? "would change" : ResourceStatusWord(r.status);
    std::string detail = changed ? absl::StrJoin(r.changes, ", ") : r.message;
    if (!r.notified_by.empty())
      absl::StrAppend(&detail, detail.empty() ? "" : " ", "(notified by ", r.notified_by, ")");
    absl::StrAppendFormat(&out, "  %-12s %s%s%s  %.1f ms\n", status, r.id,
                          detail.empty() ? "" : ": ", detail, r.duration_ms);
    for (absl::string_view line : absl::StrSplit(r.diff, '\n', absl::SkipEmpty())) {
      absl::StrAppend(&out, "      ", line, "\n");
    }
    if (r.status == ResourceStatus::kFailed && !r.output.empty()) {
      for (absl::string_view line : absl::StrSplit(r.output, '\n', absl::SkipEmpty())) {
        absl::StrAppend(&out, "      | ", line, "\n");
      }
    }
  }
  absl::StrAppendFormat(
      &out, "%s%s: %d resources, %d %s, %d ok, %d failed, %d skipped in %.1f ms\n",
      dry_run ? "dry run " : "", failed() ? "failed" : "converged",
      static_cast<int>(resources.size()), Count(ResourceStatus::kChanged),
      dry_run ? "would change" : "changed", Count(ResourceStatus::kOk),
      Count(ResourceStatus::kFailed), Count(ResourceStatus::kSkipped), duration_ms);
  return out;
}

}  // namespace dm::cookbook
