#include "dmctl/output/run_json.h"

#include "common/state_words.h"
#include "dmctl/output/format.h"

namespace dm::dmctl {

nlohmann::json RunToJson(const dm::v1::Run& run, bool with_report) {
  nlohmann::json j = {{"id", run.id()},
                      {"agent", run.agent()},
                      {"role", run.role()},
                      {"status", RunStatusWord(run.status())},
                      {"dry_run", run.dry_run()},
                      {"started", JsonTime(run.started_unix_ms())},
                      {"finished", JsonTime(run.finished_unix_ms())},
                      {"bundle", run.bundle_hash()},
                      {"resources", run.resources()},
                      {"changed", run.changed()},
                      {"failed", run.failed()},
                      {"message", run.message()}};
  if (with_report) {
    j["report"] = run.report_json().empty()
                      ? nlohmann::json(nullptr)
                      : nlohmann::json::parse(run.report_json(), nullptr, false);
  }
  return j;
}

}  // namespace dm::dmctl
