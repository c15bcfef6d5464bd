// dmctl servers boot NAME [--provider local] [--role ROLE] [--json]
// dmctl servers list [--json]
// dmctl servers destroy NAME
#include "absl/strings/str_cat.h"
#include "common/grpc_status.h"
#include "common/state_words.h"
#include "dmctl/command.h"
#include "dmctl/output/format.h"
#include "dmctl/output/server_json.h"
#include "dmctl/output/table.h"

namespace dm::dmctl {
namespace {

class ServersBoot : public Command {
 public:
  std::vector<std::string> Path() const override { return {"servers", "boot"}; }
  std::string Synopsis() const override {
    return "Boot a server from a provider (the first local one builds the base image)";
  }
  void AddFlags(CLI::App* app) override {
    app->add_option("name", name_, "Server name: lower-case letters, digits and '-'")->required();
    app->add_option("--provider", provider_, "Where: local (real servers on this machine)")
        ->capture_default_str();
    app->add_option("--role", role_, "The role its agent will have");
    app->add_flag("--json", json_, "Print the server as JSON");
  }
  int Run(Context& context) override {
    dm::v1::Admin::Stub* admin = context.Admin();
    if (admin == nullptr) return kUnreachable;
    dm::v1::BootServerRequest request;
    request.set_name(name_);
    request.set_provider(provider_);
    request.set_role(role_);
    grpc::ClientContext call;
    auto reader = admin->BootServer(&call, request);
    dm::v1::ServerEvent event;
    dm::v1::Server server;
    while (reader->Read(&event)) {
      if (event.has_progress() && !json_)
        context.err() << name_ << ": " << event.progress() << "\n";
      if (event.has_done()) server = event.done();
    }
    if (grpc::Status s = reader->Finish(); !s.ok()) return context.Fail(FromGrpcStatus(s));
    if (json_) {
      context.out() << ServerToJson(server).dump(2) << "\n";
    } else {
      context.out() << "server " << server.name() << " is " << ServerStateWord(server.state())
                    << " at " << server.address() << " (host key "
                    << server.ssh_host_key_fingerprint() << ")\n";
    }
    return kOk;
  }

 private:
  std::string name_, provider_ = "local", role_;
  bool json_ = false;
};

class ServersList : public Command {
 public:
  std::vector<std::string> Path() const override { return {"servers", "list"}; }
  std::string Synopsis() const override {
    return "Servers, their providers, addresses, roles and agents";
  }
  void AddFlags(CLI::App* app) override {
    app->add_flag("--json", json_, "Print a JSON array of servers");
  }
  int Run(Context& context) override {
    dm::v1::Admin::Stub* admin = context.Admin();
    if (admin == nullptr) return kUnreachable;
    grpc::ClientContext call;
    SetCallDeadline(&call);
    dm::v1::ListServersResponse response;
    if (grpc::Status s = admin->ListServers(&call, {}, &response); !s.ok())
      return context.Fail(FromGrpcStatus(s));
    if (json_) {
      nlohmann::json list = nlohmann::json::array();
      for (const auto& s : response.servers()) list.push_back(ServerToJson(s));
      context.out() << list.dump(2) << "\n";
      return kOk;
    }
    Table table({"NAME", "PROVIDER", "STATE", "ADDRESS", "ROLE", "BOOTSTRAP", "AGENT"});
    for (const auto& s : response.servers()) {
      nlohmann::json j = ServerToJson(s);
      table.AddRow(
          {s.name(), s.provider(), ServerStateWord(s.state()), s.address(),
           s.role().empty() ? "-" : s.role(),
           s.bootstrap() == dm::v1::BOOTSTRAP_NEVER ? "-" : BootstrapStateWord(s.bootstrap()),
           j["agent"].is_null() ? "-" : j["agent"].get<std::string>()});
    }
    table.Print(context.out());
    return kOk;
  }

 private:
  bool json_ = false;
};

class ServersDestroy : public Command {
 public:
  std::vector<std::string> Path() const override { return {"servers", "destroy"}; }
  std::string Synopsis() const override { return "Destroy a server and remove its agent"; }
  void AddFlags(CLI::App* app) override {
    app->add_option("name", name_, "Server name")->required();
  }
  int Run(Context& context) override {
    dm::v1::Admin::Stub* admin = context.Admin();
    if (admin == nullptr) return kUnreachable;
    grpc::ClientContext call;
    call.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(120));
    dm::v1::DestroyServerRequest request;
    request.set_name(name_);
    dm::v1::DestroyServerResponse response;
    if (grpc::Status s = admin->DestroyServer(&call, request, &response); !s.ok())
      return context.Fail(FromGrpcStatus(s));
    context.out() << "server " << name_ << " destroyed\n";
    return kOk;
  }

 private:
  std::string name_;
};

}  // namespace

std::unique_ptr<Command> NewServersBoot() { return std::make_unique<ServersBoot>(); }
std::unique_ptr<Command> NewServersList() { return std::make_unique<ServersList>(); }
std::unique_ptr<Command> NewServersDestroy() { return std::make_unique<ServersDestroy>(); }

}  // namespace dm::dmctl
