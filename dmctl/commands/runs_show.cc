// dmctl runs show RUN [--json] [-v]
//
// The run's report: what changed (with diffs), failed or was skipped, and the totals.
#include "common/grpc_status.h"
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
  void AddFlags(CLI::App* app) override {
    app->add_option("run", id_, "Run id (from dmctl converge or runs list)")->required();
    app->add_flag("--json", json_, "Print the run with its full report as JSON");
    app->add_flag("-v,--verbose", verbose_,
                  "List every resource, not only those that changed or failed");
  }

  int Run(Context& context) override {
    dm::v1::Admin::Stub* admin = context.Admin();
    if (admin == nullptr) return kUnreachable;
    grpc::ClientContext call;
    SetCallDeadline(&call);
    dm::v1::GetRunRequest request;
    request.set_id(id_);
    dm::v1::Run run;
    if (grpc::Status s = admin->GetRun(&call, request, &run); !s.ok())
      return context.Fail(FromGrpcStatus(s));
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
