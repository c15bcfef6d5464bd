// dmctl converge AGENT...|--role ROLE|--all [--dry-run] [--attr KEY=VALUE]... [--json]
//
// Converges agents to their roles in parallel from the controller's cookbooks. On a terminal,
// one line per agent updates as its resources complete; elsewhere a line per agent when it
// starts and ends. Then a summary. Exit 0 when every run converged, 1 otherwise.
#include <unistd.h>

#include <csignal>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "common/attributes.h"
#include "common/state_words.h"
#include "common/yaml/yaml_tree.h"
#include "dmctl/command.h"
#include "dmctl/output/live_lines.h"
#include "dmctl/output/run_json.h"
#include "dmctl/output/table.h"

namespace dm::dmctl {
namespace {

// A value as YAML reads it (so "[a, b]" is a list), as plain text when it is not YAML.
nlohmann::json ParseAttributeValue(const std::string& text) {
  absl::StatusOr<yaml::Node> node = yaml::Parse(text, "--attr");
  return node.ok() ? AttributesFromYaml(*node) : nlohmann::json(text);
}

class Converge : public Command {
 public:
  std::vector<std::string> Path() const override { return {"converge"}; }
  std::string Synopsis() const override {
    return "Converge agents to their roles from the controller's cookbooks; runs are stored";
  }
  void AddFlags(Flags& flags) override {
    flags.Add("agents", &agents_, "Agent names");
    flags.Add("--role", &role_, "Every agent with this role");
    flags.Flag("--all", &all_, "Every agent");
    flags.Flag("--dry-run", &dry_run_, "Change nothing; report what would change");
    flags.Flag("--json", &json_, "Print the runs as a JSON array at the end (no live lines)");
    flags
        .Add("--attr", &attrs_,
             "Fleet attribute KEY=VALUE for this run (dotted keys; the value is YAML)")
        .TakeAll();
    flags.Footer(
        "Examples: dmctl converge web-1 web-2\n          dmctl converge --role appnode --dry-run\n"
        "Then: dmctl runs show RUN");
  }

  int Run(Context& context) override {
    int ways = !agents_.empty() + !role_.empty() + all_;
    if (ways != 1) {
      context.err() << "dmctl converge: name agents, or --role ROLE, or --all (exactly one)\n";
      return kUsage;
    }
    AdminClient* admin = context.Admin();
    if (admin == nullptr) return kUnreachable;
    dm::v1::ConvergeRequest request;
    for (const std::string& a : agents_) request.add_agents(a);
    request.set_role(role_);
    request.set_all(all_);
    request.set_dry_run(dry_run_);
    nlohmann::json attributes = nlohmann::json::object();
    for (const std::string& kv : attrs_) {
      size_t eq = kv.find('=');
      if (eq == std::string::npos || eq == 0) {
        context.err() << "dmctl converge: --attr " << kv << ": expected KEY=VALUE\n";
        return kUsage;
      }
      // "a.b=c" -> {"a": {"b": "c"}}; lists and maps as YAML flow ("[x, y]") are kept whole.
      nlohmann::json* at = &attributes;
      for (absl::string_view part : absl::StrSplit(kv.substr(0, eq), '.'))
        at = &(*at)[std::string(part)];
      *at = ParseAttributeValue(kv.substr(eq + 1));
    }
    request.set_attributes_json(attributes.dump());

    LiveLines live(context.out(), !json_ && ::isatty(STDOUT_FILENO));
    std::map<std::string, dm::v1::Run> finished;
    std::map<std::string, std::string> refused;
    InterruptibleCalls interruptible(admin);
    absl::Status status = admin->Converge(request, [&](const dm::v1::ConvergeEvent& event) {
      const std::string& agent = event.agent();
      switch (event.body_case()) {
        case dm::v1::ConvergeEvent::kStarted:
          if (!json_)
            live.Set(agent, absl::StrCat("started (run ", event.started().id(), ")"), false);
          break;
        case dm::v1::ConvergeEvent::kProgress: {
          const auto& p = event.progress();
          if (!json_)
            live.Set(agent,
                     absl::StrFormat("[%d/%d] %s %s", p.done(), p.total(),
                                     ResourceStatusWord(p.status()), p.resource()),
                     false);
          break;
        }
        case dm::v1::ConvergeEvent::kFinished: {
          const dm::v1::Run& run = event.finished();
          finished[agent] = run;
          if (!json_) live.Set(agent, Summary(run), true);
          break;
        }
        case dm::v1::ConvergeEvent::kError:
          refused[agent] = event.error();
          if (!json_) live.Set(agent, absl::StrCat("not run: ", event.error()), true);
          break;
        default:
          break;
      }
    });
    if (absl::IsCancelled(status)) {
      context.err() << "dmctl: stopped watching; the runs go on and are stored (dmctl runs list)\n";
      return kFailed;
    }
    if (!status.ok()) return context.Fail(status);

    bool all_converged = refused.empty();
    for (const auto& [agent, run] : finished)
      all_converged = all_converged && run.status() == dm::v1::RUN_CONVERGED;
    if (json_) {
      nlohmann::json list = nlohmann::json::array();
      for (const auto& [agent, run] : finished) list.push_back(RunToJson(run));
      for (const auto& [agent, why] : refused)
        list.push_back({{"agent", agent}, {"status", "not_run"}, {"message", why}});
      context.out() << list.dump(2) << "\n";
    } else {
      context.out() << "\n";
      Table table({"AGENT", "ROLE", "STATUS", "RESOURCES", "CHANGED", "FAILED", "RUN"});
      for (const auto& [agent, run] : finished) {
        table.AddRow({agent, run.role(), RunStatusWord(run.status()),
                      std::to_string(run.resources()), std::to_string(run.changed()),
                      std::to_string(run.failed()), run.id()});
      }
      for (const auto& [agent, why] : refused)
        table.AddRow({agent, "-", "not run", "-", "-", "-", "-"});
      table.Print(context.out());
    }
    return all_converged ? kOk : kFailed;
  }

 private:
  std::string Summary(const dm::v1::Run& run) const {
    std::string line = absl::StrCat(
        RunStatusWord(run.status()), ": ", run.resources(), " resources, ", run.changed(),
        run.dry_run() ? " would change, " : " changed, ", run.failed(), " failed");
    if (!run.message().empty()) {
      std::string first_line = run.message().substr(0, run.message().find('\n'));
      absl::StrAppend(&line, " (", first_line, ")");
    }
    return line;
  }

  std::vector<std::string> agents_, attrs_;
  std::string role_;
  bool all_ = false;
  bool dry_run_ = false;
  bool json_ = false;
};

}  // namespace

std::unique_ptr<Command> NewConverge() { return std::make_unique<Converge>(); }

}  // namespace dm::dmctl
