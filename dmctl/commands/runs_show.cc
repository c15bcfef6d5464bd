// dmctl runs show RUN [--json] [-v]
//
// The run's report: what changed (with diffs), failed or was skipped, and the totals.
#include "common/run_report.h"
#include "common/state_words.h"
#include "dmctl/command.h"
#include "dmctl/output/format.h"
#include "dmctl/output/run_json.h"

namespace dm::dmctl {

class RunsShow : public Command {
 public:
  std::vector<std::string> Path() const override { return {"runs", "show"}; }
  std::string Synopsis() const override { return "Show a converge run's report"; }
  void AddFlags(Flags& flags) override {
    flags.Add("run", &id_, "Run id (from dmctl converge or runs list)").Required();
    flags.Flag("--json", &json_, "Print the run with its full report as JSON");
    flags.Flag("-v,--verbose", &verbose_,
               "List every resource, not only those that changed or failed");
  }

  int Run(Context& context) override {
    AdminClient* admin = context.Admin();
    if (admin == nullptr) return kUnreachable;
    dm::v1::GetRunRequest request;
    request.set_id(id_);
    dm::v1::Run run;
    if (absl::Status s = MoveInto(admin->GetRun(request), &run); !s.ok()) return context.Fail(s);
    if (json_) {
      context.out() << RunToJson(run, /*with_report=*/true).dump(2) << "\n";
      return kOk;
    }
    context.out() << "run " << run.id() << ": " << run.agent() << " (role " << run.role() << "), "
                  << RunStatusWord(run.status()) << (run.dry_run() ? " (dry run)" : "")
                  << ", started " << JsonTime(run.started_unix_ms()).get<std::string>() << "\n";
    if (!run.message().empty()) context.out() << run.message() << "\n";
    if (!run.report_json().empty()) {
      nlohmann::json report = nlohmann::json::parse(run.report_json(), nullptr, false);
      if (!report.is_discarded())
        context.out() << cookbook::RunReport::FromJson(report).ToText(verbose_);
    }
    return kOk;
  }

 private:
  std::string id_;
  bool json_ = false;
  bool verbose_ = false;
};

std::unique_ptr<Command> NewRunsShow() { return std::make_unique<RunsShow>(); }

}  // namespace dm::dmctl
