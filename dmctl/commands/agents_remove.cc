// dmctl agents remove NAME
#include <nlohmann/json.hpp>

#include "common/grpc_status.h"
#include "dmctl/command.h"

namespace dm::dmctl {
namespace {

class AgentsRemove : public Command {
 public:
  std::vector<std::string> Path() const override { return {"agents", "remove"}; }
  std::string Synopsis() const override {
    return "Remove an agent and revoke its certificate: it is disconnected and cannot reconnect";
  }
  void AddFlags(CLI::App* app) override {
    app->add_option("name", name_, "Agent name")->required();
    app->add_flag("--json", json_, "Print the removed agent's name and id as JSON");
  }

  int Run(Context& context) override {
    dm::v1::Admin::Stub* admin = context.Admin();
    if (admin == nullptr) return kUnreachable;
    grpc::ClientContext call;
    SetCallDeadline(&call);
    dm::v1::RemoveAgentRequest request;
    request.set_name(name_);
    dm::v1::RemoveAgentResponse response;
    if (grpc::Status s = admin->RemoveAgent(&call, request, &response); !s.ok()) {
      return context.Fail(FromGrpcStatus(s));
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
