// dmctl health FLEET [--json]
//
// Every host of the fleet with its health and each check's state. --json: an array of
// {name, role, health, checks: [{name, kind, state, since, output}]}; health is one of healthy,
// degraded, unhealthy, lost, unknown.
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/state_words.h"
#include "dmctl/command.h"
#include "dmctl/fleet_request.h"
#include "dmctl/output/format.h"
#include "dmctl/output/table.h"

namespace dm::dmctl {
namespace {

nlohmann::json CheckJson(const dm::v1::CheckStatus& c) {
  return {{"name", c.name()},
          {"kind", CheckKindWord(c.kind())},
          {"state", CheckStateWord(c.state())},
          {"since", c.since_unix_ms() == 0 ? nlohmann::json(nullptr) : JsonTime(c.since_unix_ms())},
          {"output", c.output()},
          {"critical", c.critical()},
          {"service", c.service()}};
}

// The first line of a check's output, short enough for a table.
std::string Summary(const std::string& output) {
  std::string line = output.substr(0, output.find('\n'));
  return line.size() > 60 ? line.substr(0, 57) + "..." : line;
}

class Health : public Command {
 public:
  std::vector<std::string> Path() const override { return {"health"}; }
  std::string Synopsis() const override {
    return "Show every host of a fleet with its health and its checks";
  }
  void AddFlags(Flags& flags) override {
    flags.Add("fleet", &fleet_, "The fleet's name or file").Required();
    flags.Flag("--json", &json_, "Print a JSON array: name, role, health, checks");
  }
  int Run(Context& context) override {
    absl::StatusOr<dm::v1::FleetRequest> request = FleetRequestFor(fleet_);
    if (!request.ok()) return context.Fail(request.status());
    AdminClient* admin = context.Admin();
    if (admin == nullptr) return kUnreachable;
    dm::v1::FleetHealthResponse health;
    if (absl::Status s = MoveInto(admin->FleetHealth(*request), &health); !s.ok())
      return context.Fail(s);
    if (json_) {
      nlohmann::json hosts = nlohmann::json::array();
      for (const dm::v1::HostHealthView& h : health.hosts()) {
        nlohmann::json checks = nlohmann::json::array();
        for (const dm::v1::CheckStatus& c : h.checks()) checks.push_back(CheckJson(c));
        hosts.push_back({{"name", h.name()},
                         {"role", h.role()},
                         {"health", HostHealthWord(h.health())},
                         {"checks", checks}});
      }
      context.out() << hosts.dump(2) << "\n";
      return kOk;
    }
    absl::Time now = absl::Now();
    Table table({"HOST", "ROLE", "HEALTH", "CHECK", "STATE", "SINCE", "OUTPUT"});
    for (const dm::v1::HostHealthView& h : health.hosts()) {
      if (h.checks().empty()) {
        table.AddRow({h.name(), h.role(), HostHealthWord(h.health()), "-", "-", "-", ""});
        continue;
      }
      bool first = true;
      for (const dm::v1::CheckStatus& c : h.checks()) {
        table.AddRow({first ? h.name() : "", first ? h.role() : "",
                      first ? HostHealthWord(h.health()) : "", c.name(), CheckStateWord(c.state()),
                      c.since_unix_ms() == 0 ? "-" : Ago(c.since_unix_ms(), now),
                      c.state() == dm::v1::CHECK_FAILING ? Summary(c.output()) : ""});
        first = false;
      }
    }
    table.Print(context.out());
    return kOk;
  }

 private:
  std::string fleet_;
  bool json_ = false;
};

}  // namespace

std::unique_ptr<Command> NewHealth() { return std::make_unique<Health>(); }

}  // namespace dm::dmctl
