// dmctl agents remove NAME
#include <nlohmann/json.hpp>

#include "dmctl/command.h"

namespace dm::dmctl {
namespace {

class AgentsRemove : public Command {
 public:
  std::vector<std::string> Path() const override { return {"agents", "remove"}; }
  std::string Synopsis() const override {
    return "Remove an agent and revoke its certificate: it is disconnected and cannot reconnect";
  }
  void AddFlags(Flags& flags) override {
    flags.Add("name", &name_, "Agent name").Required();
    flags.Flag("--json", &json_, "Print the removed agent's name and id as JSON");
  }

  int Run(Context& context) override {
    AdminClient* admin = context.Admin();
    if (admin == nullptr) return kUnreachable;
    dm::v1::RemoveAgentRequest request;
    request.set_name(name_);
    dm::v1::RemoveAgentResponse response;
    if (absl::Status s = MoveInto(admin->RemoveAgent(request), &response); !s.ok()) {
      return context.Fail(s);
    }
    if (json_) {
      context.out() << nlohmann::json{{"name", response.agent().name()},
                                      {"id", response.agent().id()},
                                      {"revoked_cert_serial", response.agent().cert_serial()}}
                           .dump(2)
                    << "\n";
    } else {
      context.out() << "removed agent " << response.agent().name() << "; certificate "
                    << response.agent().cert_serial() << " revoked\n";
    }
    return kOk;
  }

 private:
  std::string name_;
  bool json_ = false;
};

}  // namespace

std::unique_ptr<Command> NewAgentsRemove() { return std::make_unique<AgentsRemove>(); }

}  // namespace dm::dmctl
