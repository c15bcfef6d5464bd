// dmctl agents ping [NAME...] [--timeout S] [--json]
//
// Sends a no-op down each agent's stream and prints the round trip the controller measured.
// Exits 0 if every agent answered, 1 otherwise.
#include <algorithm>

#include <nlohmann/json.hpp>

#include "absl/strings/str_format.h"
#include "dmctl/command.h"
#include "dmctl/output/table.h"

namespace dm::dmctl {
namespace {

class AgentsPing : public Command {
 public:
  std::vector<std::string> Path() const override { return {"agents", "ping"}; }
  std::string Synopsis() const override {
    return "Send a no-op to agents (default: all connected) and show each round trip";
  }
  void AddFlags(Flags& flags) override {
    flags.Add("names", &names_, "Agent names (default: every connected agent)");
    flags.Add("--timeout", &timeout_seconds_, "Seconds to wait for answers").ShowDefault();
    flags.Flag("--json", &json_, "Print a JSON array: agent, round_trip_us, error");
  }

  int Run(Context& context) override {
    AdminClient* admin = context.Admin();
    if (admin == nullptr) return kUnreachable;
    dm::v1::PingRequest request;
    for (const auto& n : names_) request.add_agents(n);
    request.set_timeout_ms(static_cast<uint32_t>(timeout_seconds_ * 1000));
    std::vector<dm::v1::PingReply> replies;
    absl::Status done = admin->Ping(request, [&](const dm::v1::PingReplies& batch) {
      for (const auto& r : batch.replies()) replies.push_back(r);
    });
    if (!done.ok()) return context.Fail(done);
    std::sort(replies.begin(), replies.end(),
              [](const auto& a, const auto& b) { return a.agent() < b.agent(); });

    bool all_answered = true;
    for (const auto& r : replies) all_answered &= r.error().empty();
    if (json_) {
      nlohmann::json list = nlohmann::json::array();
      for (const auto& r : replies) {
        nlohmann::json item = {{"agent", r.agent()}, {"round_trip_us", r.round_trip_us()}};
        item["error"] = r.error().empty() ? nlohmann::json(nullptr) : nlohmann::json(r.error());
        list.push_back(item);
      }
      context.out() << list.dump(2) << "\n";
    } else {
      Table table({"AGENT", "ROUND TRIP", "ERROR"});
      for (const auto& r : replies) {
        table.AddRow(
            {r.agent(),
             r.error().empty() ? absl::StrFormat("%.2f ms", r.round_trip_us() / 1000.0) : "-",
             r.error()});
      }
      table.Print(context.out());
    }
    return all_answered ? kOk : kFailed;
  }

 private:
  std::vector<std::string> names_;
  double timeout_seconds_ = 10;
  bool json_ = false;
};

}  // namespace

std::unique_ptr<Command> NewAgentsPing() { return std::make_unique<AgentsPing>(); }

}  // namespace dm::dmctl
