// dmctl agents show NAME [--json]
#include "absl/strings/str_join.h"
#include "common/state_words.h"
#include "dmctl/command.h"
#include "dmctl/output/agent_json.h"
#include "dmctl/output/format.h"
#include "dmctl/output/table.h"

namespace dm::dmctl {
namespace {

class AgentsShow : public Command {
 public:
  std::vector<std::string> Path() const override { return {"agents", "show"}; }
  std::string Synopsis() const override {
    return "Show one agent: state, certificate and host facts";
  }
  void AddFlags(Flags& flags) override {
    flags.Add("name", &name_, "Agent name").Required();
    flags.Flag("--json", &json_, "Print a JSON object");
  }

  int Run(Context& context) override {
    AdminClient* admin = context.Admin();
    if (admin == nullptr) return kUnreachable;
    dm::v1::GetAgentRequest request;
    request.set_name(name_);
    dm::v1::Agent a;
    if (absl::Status s = MoveInto(admin->GetAgent(request), &a); !s.ok()) return context.Fail(s);
    if (json_) {
      context.out() << AgentToJson(a).dump(2) << "\n";
      return kOk;
    }
    absl::Time now = absl::Now();
    const dm::v1::Facts& f = a.facts();
    auto when = [](int64_t ms) {
      return JsonTime(ms).is_null() ? std::string("never") : JsonTime(ms).get<std::string>();
    };
    Table table({"FIELD", "VALUE"});
    table.AddRow({"name", a.name()});
    table.AddRow({"id", a.id()});
    table.AddRow({"role", a.role().empty() ? "-" : a.role()});
    table.AddRow({"state", AgentStateWord(a.state())});
    table.AddRow({"address", a.address()});
    table.AddRow(
        {"last seen", when(a.last_seen_unix_ms()) + " (" + Ago(a.last_seen_unix_ms(), now) + ")"});
    table.AddRow({"enrolled", when(a.enrolled_unix_ms())});
    table.AddRow({"agent version", a.version()});
    table.AddRow({"certificate", a.cert_serial() + ", expires " + when(a.cert_expires_unix_ms())});
    table.AddRow({"hostname", f.hostname()});
    table.AddRow({"os", f.os_name()});
    table.AddRow({"kernel", f.kernel() + " " + f.arch()});
    table.AddRow({"addresses", absl::StrJoin(f.addresses(), ", ")});
    table.AddRow({"cpus", std::to_string(f.cpu_count())});
    table.AddRow({"memory", Bytes(f.memory_bytes())});
    table.Print(context.out());
    return kOk;
  }

 private:
  std::string name_;
  bool json_ = false;
};

}  // namespace

std::unique_ptr<Command> NewAgentsShow() { return std::make_unique<AgentsShow>(); }

}  // namespace dm::dmctl
