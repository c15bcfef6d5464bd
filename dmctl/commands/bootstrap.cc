// dmctl bootstrap NAME... [--json]
//
// Hardens the servers and installs their agents, in parallel, printing each step as it runs.
// Exit 0 when every server was bootstrapped.
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/state_words.h"
#include "dmctl/command.h"
#include "dmctl/output/server_json.h"

namespace dm::dmctl {
namespace {

class Bootstrap : public Command {
 public:
  std::vector<std::string> Path() const override { return {"bootstrap"}; }
  std::string Synopsis() const override {
    return "Harden servers over SSH (deploy user, key-only sshd, firewall) and enroll their agents";
  }
  void AddFlags(Flags& flags) override {
    flags.Add("servers", &servers_, "Server names").Required();
    flags.Flag("--json", &json_, "Print one JSON object per server at the end");
  }
  int Run(Context& context) override {
    AdminClient* admin = context.Admin();
    if (admin == nullptr) return kUnreachable;
    dm::v1::BootstrapRequest request;
    for (const std::string& s : servers_) request.add_servers(s);
    std::map<std::string, nlohmann::json> results;
    absl::Status done = admin->Bootstrap(request, [&](const dm::v1::ServerEvent& event) {
      const std::string& server = event.server();
      if (event.has_step()) {
        const auto& st = event.step();
        if (st.step() == "done") {
          results[server]["bytes_sent"] = st.bytes_sent();
          results[server]["changed"] = st.status() == dm::v1::STEP_CHANGED;
        } else if (!json_ && st.status() != dm::v1::STEP_RUNNING) {
          context.out() << absl::StrFormat("%-16s %-12s %-8s %s\n", server, st.step(),
                                           StepStatusWord(st.status()), st.detail());
          context.out().flush();
        }
      } else if (event.has_done()) {
        results[server]["server"] = ServerToJson(event.done());
        results[server]["ok"] = true;
      } else if (!event.error().empty()) {
        results[server]["ok"] = false;
        results[server]["error"] = event.error();
        if (!json_)
          context.err() << "dmctl: bootstrap of " << server << " failed: " << event.error() << "\n";
      }
    });
    if (!done.ok()) return context.Fail(done);
    bool all_ok = results.size() == servers_.size();
    nlohmann::json list = nlohmann::json::array();
    for (auto& [name, r] : results) {
      r["name"] = name;
      all_ok = all_ok && r.value("ok", false);
      list.push_back(r);
    }
    if (json_) context.out() << list.dump(2) << "\n";
    return all_ok ? kOk : kFailed;
  }

 private:
  std::vector<std::string> servers_;
  bool json_ = false;
};

}  // namespace

std::unique_ptr<Command> NewBootstrap() { return std::make_unique<Bootstrap>(); }

}  // namespace dm::dmctl
