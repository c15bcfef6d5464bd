// dmctl status FLEET [--json]
//
// Every server of the fleet with its role, address, agent state, health (with failing checks)
// and last converge, then its DNS records. --json: an array with one object per server (name,
// role, address, state, bootstrap, agent, last_run, health, failing_checks).
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "common/state_words.h"
#include "dmctl/command.h"
#include "dmctl/fleet_request.h"
#include "dmctl/output/agent_json.h"
#include "dmctl/output/format.h"
#include "dmctl/output/run_json.h"
#include "dmctl/output/table.h"

namespace dm::dmctl {
namespace {

nlohmann::json ServerJson(const dm::v1::FleetServer& s) {
  return {
      {"name", s.name()},
      {"role", s.role()},
      {"address", s.address()},
      {"state", ServerStateWord(s.state())},
      {"bootstrap", BootstrapStateWord(s.bootstrap())},
      {"agent", s.agent() == dm::v1::AGENT_STATE_UNSPECIFIED
                    ? nlohmann::json(nullptr)
                    : nlohmann::json(AgentStateWord(s.agent()))},
      {"last_run", s.last_run().id().empty() ? nlohmann::json(nullptr) : RunToJson(s.last_run())},
      {"health", HostHealthWord(s.health())},
      {"failing_checks", s.failing_checks()}};
}

std::string LastRun(const dm::v1::Run& run, absl::Time now) {
  if (run.id().empty()) return "-";
  int64_t at = run.finished_unix_ms() != 0 ? run.finished_unix_ms() : run.started_unix_ms();
  return absl::StrCat(RunStatusWord(run.status()), " ", Ago(at, now), " (", run.changed(),
                      " changed)");
}

// "healthy", or "unhealthy: check, check".
std::string HealthText(const dm::v1::FleetServer& s) {
  std::string text = HostHealthWord(s.health());
  if (!s.failing_checks().empty())
    absl::StrAppend(&text, ": ", absl::StrJoin(s.failing_checks(), ", "));
  return text;
}

class Status : public Command {
 public:
  std::vector<std::string> Path() const override { return {"status"}; }
  std::string Synopsis() const override {
    return "Show a fleet's servers, agents, last converges and DNS";
  }
  void AddFlags(Flags& flags) override {
    flags.Add("fleet", &fleet_, "The fleet's name or file").Required();
    flags.Flag("--json", &json_, "Print the servers as a JSON array");
  }
  int Run(Context& context) override {
    absl::StatusOr<dm::v1::FleetRequest> request = FleetRequestFor(fleet_);
    if (!request.ok()) return context.Fail(request.status());
    AdminClient* admin = context.Admin();
    if (admin == nullptr) return kUnreachable;
    dm::v1::FleetStatusResponse status;
    if (absl::Status s = MoveInto(admin->FleetStatus(*request), &status); !s.ok()) {
      return context.Fail(s);
    }
    if (json_) {
      nlohmann::json servers = nlohmann::json::array();
      for (const dm::v1::FleetServer& s : status.servers()) servers.push_back(ServerJson(s));
      context.out() << servers.dump(2) << "\n";
      return kOk;
    }
    absl::Time now = absl::Now();
    context.out() << "fleet " << status.fleet() << " (" << status.domain() << ")"
                  << (status.commit().empty()
                          ? ""
                          : absl::StrCat(", app ", status.commit().substr(0, 12)))
                  << "\n\n";
    Table table({"NAME", "ROLE", "ADDRESS", "STATE", "AGENT", "HEALTH", "LAST RUN"});
    for (const dm::v1::FleetServer& s : status.servers()) {
      std::string agent =
          s.agent() == dm::v1::AGENT_STATE_UNSPECIFIED ? "-" : AgentStateWord(s.agent());
      table.AddRow({s.name(), s.role(), s.address().empty() ? "-" : s.address(),
                    ServerStateWord(s.state()), agent, HealthText(s), LastRun(s.last_run(), now)});
    }
    table.Print(context.out());
    if (!status.dns_server().empty()) {
      context.out() << "\nDNS (" << status.dns_server()
                    << "):" << (status.dns_size() == 0 ? " no records" : "") << "\n";
      for (const dm::v1::DnsRecordView& r : status.dns()) {
        context.out() << "  " << r.name() << " " << r.type() << " "
                      << absl::StrJoin(r.values(), " ") << "\n";
      }
    }
    return kOk;
  }

 private:
  std::string fleet_;
  bool json_ = false;
};

}  // namespace

std::unique_ptr<Command> NewStatus() { return std::make_unique<Status>(); }

}  // namespace dm::dmctl
