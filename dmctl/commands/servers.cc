// dmctl servers boot NAME [--provider P] [--role ROLE] [--image I] [--size S] [--region R] [--json]
// dmctl servers list [--provider P] [--json]
// dmctl servers destroy NAME [--provider P]
#include "absl/strings/str_cat.h"
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
  void AddFlags(Flags& flags) override {
    flags.Add("name", &name_, "Server name: lower-case letters, digits and '-'").Required();
    flags
        .Add("--provider", &provider_,
             "Where: local (real servers on this machine), or the name of a cloud provider in the "
             "controller's --providers file, of type openstack, digitalocean, hetzner or ec2")
        .ShowDefault();
    flags.Add("--role", &role_, "The role its agent will have");
    flags.Add("--image", &image_,
              "At a cloud: the image, in the provider's words (default: the "
              "provider's in --providers)");
    flags.Add("--size", &size_, "At a cloud: the size (flavor, server type, instance type)");
    flags.Add("--region", &region_, "At a cloud: the region (location, availability zone)");
    flags.Flag("--json", &json_, "Print the server as JSON");
  }
  int Run(Context& context) override {
    AdminClient* admin = context.Admin();
    if (admin == nullptr) return kUnreachable;
    dm::v1::BootServerRequest request;
    request.set_name(name_);
    request.set_provider(provider_);
    request.set_role(role_);
    request.set_image(image_);
    request.set_size(size_);
    request.set_region(region_);
    dm::v1::Server server;
    absl::Status done = admin->BootServer(request, [&](const dm::v1::ServerEvent& event) {
      if (event.has_progress() && !json_)
        context.err() << name_ << ": " << event.progress() << "\n";
      if (event.has_done()) server = event.done();
    });
    if (!done.ok()) return context.Fail(done);
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
  std::string name_, provider_ = "local", role_, image_, size_, region_;
  bool json_ = false;
};

class ServersList : public Command {
 public:
  std::vector<std::string> Path() const override { return {"servers", "list"}; }
  std::string Synopsis() const override {
    return "Servers, their providers, addresses, roles and agents";
  }
  void AddFlags(Flags& flags) override {
    flags.Add("--provider", &provider_,
              "What this provider reports instead of the controller's records, servers left "
              "behind by a crash included (RECORDED no; servers destroy NAME --provider removes "
              "them)");
    flags.Flag("--json", &json_, "Print a JSON array of servers");
  }
  int Run(Context& context) override {
    AdminClient* admin = context.Admin();
    if (admin == nullptr) return kUnreachable;
    dm::v1::ListServersRequest request;
    request.set_provider(provider_);
    dm::v1::ListServersResponse response;
    if (absl::Status s = MoveInto(admin->ListServers(request), &response); !s.ok()) {
      return context.Fail(s);
    }
    if (json_) {
      nlohmann::json list = nlohmann::json::array();
      for (const auto& s : response.servers()) list.push_back(ServerToJson(s));
      context.out() << list.dump(2) << "\n";
      return kOk;
    }
    if (!provider_.empty()) {
      Table table(
          {"NAME", "STATE", "ADDRESS", "PRIVATE", "FLEET", "ROLE", "SIZE", "REGION", "RECORDED"});
      for (const auto& s : response.servers()) {
        auto dash = [](const std::string& text) { return text.empty() ? "-" : text; };
        table.AddRow({s.name(), ServerStateWord(s.state()), dash(s.address()),
                      dash(s.private_address()), dash(s.fleet()), dash(s.role()), dash(s.size()),
                      dash(s.region()), s.recorded() ? "yes" : "no"});
      }
      table.Print(context.out());
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
  std::string provider_;
  bool json_ = false;
};

class ServersDestroy : public Command {
 public:
  std::vector<std::string> Path() const override { return {"servers", "destroy"}; }
  std::string Synopsis() const override { return "Destroy a server and remove its agent"; }
  void AddFlags(Flags& flags) override {
    flags.Add("name", &name_, "Server name").Required();
    flags.Add("--provider", &provider_,
              "For a server the controller has no record of (left behind by a crash, see "
              "servers list --provider): delete it at this provider");
  }
  int Run(Context& context) override {
    AdminClient* admin = context.Admin();
    if (admin == nullptr) return kUnreachable;
    dm::v1::DestroyServerRequest request;
    request.set_name(name_);
    request.set_provider(provider_);
    // Destroying a server and its agent takes longer than a listing.
    absl::StatusOr<dm::v1::DestroyServerResponse> destroyed =
        admin->DestroyServer(request, absl::Seconds(120));
    if (!destroyed.ok()) return context.Fail(destroyed.status());
    context.out() << "server " << name_ << " destroyed\n";
    return kOk;
  }

 private:
  std::string name_, provider_;
};

}  // namespace

std::unique_ptr<Command> NewServersBoot() { return std::make_unique<ServersBoot>(); }
std::unique_ptr<Command> NewServersList() { return std::make_unique<ServersList>(); }
std::unique_ptr<Command> NewServersDestroy() { return std::make_unique<ServersDestroy>(); }

}  // namespace dm::dmctl
