// dmctl runs list [--agent NAME] [--limit N] [--json]
#include "common/state_words.h"
#include "dmctl/command.h"
#include "dmctl/output/format.h"
#include "dmctl/output/run_json.h"
#include "dmctl/output/table.h"

namespace dm::dmctl {
namespace {

class RunsList : public Command {
 public:
  std::vector<std::string> Path() const override { return {"runs", "list"}; }
  std::string Synopsis() const override { return "Converge runs, newest first"; }
  void AddFlags(Flags& flags) override {
    flags.Add("--agent", &agent_, "Only this agent's runs");
    flags.Add("--limit", &limit_, "How many").ShowDefault();
    flags.Flag("--json", &json_, "Print a JSON array of runs");
  }

  int Run(Context& context) override {
    AdminClient* admin = context.Admin();
    if (admin == nullptr) return kUnreachable;
    dm::v1::ListRunsRequest request;
    request.set_agent(agent_);
    request.set_limit(limit_);
    dm::v1::ListRunsResponse response;
    if (absl::Status s = MoveInto(admin->ListRuns(request), &response); !s.ok())
      return context.Fail(s);
    if (json_) {
      nlohmann::json list = nlohmann::json::array();
      for (const auto& run : response.runs()) list.push_back(RunToJson(run));
      context.out() << list.dump(2) << "\n";
      return kOk;
    }
    Table table({"RUN", "AGENT", "ROLE", "STATUS", "CHANGED", "FAILED", "STARTED"});
    absl::Time now = absl::Now();
    for (const auto& run : response.runs()) {
      table.AddRow({run.id(), run.agent(), run.role(),
                    absl::StrCat(RunStatusWord(run.status()), run.dry_run() ? " (dry run)" : ""),
                    std::to_string(run.changed()), std::to_string(run.failed()),
                    Ago(run.started_unix_ms(), now)});
    }
    table.Print(context.out());
    return kOk;
  }

 private:
  std::string agent_;
  uint32_t limit_ = 20;
  bool json_ = false;
};

}  // namespace

std::unique_ptr<Command> NewRunsList() { return std::make_unique<RunsList>(); }

}  // namespace dm::dmctl
