// dmctl agents list [--json]
#include "common/state_words.h"
#include "dmctl/command.h"
#include "dmctl/output/agent_json.h"
#include "dmctl/output/format.h"
#include "dmctl/output/table.h"

namespace dm::dmctl {
namespace {

class AgentsList : public Command {
 public:
  std::vector<std::string> Path() const override { return {"agents", "list"}; }
  std::string Synopsis() const override {
    return "List enrolled agents and whether they are connected";
  }
  void AddFlags(Flags& flags) override {
    flags.Flag("--json", &json_,
               "Print a JSON array (fields: name, id, state, address, version, last_seen, ...)");
  }

  int Run(Context& context) override {
    AdminClient* admin = context.Admin();
    if (admin == nullptr) return kUnreachable;
    dm::v1::ListAgentsResponse response;
    if (absl::Status s = MoveInto(admin->ListAgents({}), &response); !s.ok()) {
      return context.Fail(s);
    }
    if (json_) {
      nlohmann::json list = nlohmann::json::array();
      for (const auto& agent : response.agents()) list.push_back(AgentToJson(agent));
      context.out() << list.dump(2) << "\n";
      return kOk;
    }
    absl::Time now = absl::Now();
    Table table({"NAME", "STATE", "ADDRESS", "ROLE", "VERSION", "LAST SEEN"});
    for (const auto& a : response.agents()) {
      table.AddRow({a.name(), AgentStateWord(a.state()), a.address(),
                    a.role().empty() ? "-" : a.role(), a.version(),
                    Ago(a.last_seen_unix_ms(), now)});
    }
    table.Print(context.out());
    return kOk;
  }

 private:
  bool json_ = false;
};

}  // namespace

std::unique_ptr<Command> NewAgentsList() { return std::make_unique<AgentsList>(); }

}  // namespace dm::dmctl
