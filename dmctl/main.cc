// dmctl: the operator's command line for DeployMachine. Talks to the controller's admin API with
// the admin certificate named in its config file. Human tables by default, --json for scripts.
#include <iostream>
#include <map>

#include <CLI/CLI.hpp>

#include "common/version.h"
#include "dmctl/command.h"

namespace {

constexpr char kFooter[] =
    R"(Config: --config FILE, else $DMCTL_CONFIG, else ~/.config/dm/dmctl.yaml
        (dm-controller writes DATA_DIR/dmctl.yaml on start).
Exit codes: 0 done; 1 the controller refused or failed the request; 2 usage error;
            3 no usable config or the controller cannot be reached.
            'exec' exits with the remote program's code (255 if dmctl failed).)";

const std::map<std::string, std::string> kGroups = {
    {"agents", "Enrolled agents: list, show, remove, ping"},
    {"token", "Join tokens for new agents: create, list, revoke"},
    {"runs", "Converge runs and their reports: list, show"},
    {"servers", "Servers from providers: boot, list, destroy"},
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"dmctl: operate a DeployMachine fleet"};
  app.set_version_flag("--version", std::string("dmctl ") + dm::kVersion);
  app.footer(kFooter);
  app.require_subcommand(1);
  app.fallthrough();  // global flags are accepted after the subcommand too
  std::string config;
  app.add_option("--config", config, "dmctl config file (see below)");
  std::string deploy_dir;
  app.add_option("--deploy-dir", deploy_dir,
                 "The roles and cookbooks (roles/, cookbooks/) to send with a fleet file "
                 "(default: the deploy folder found from the fleet file's folder up)");

  std::vector<std::unique_ptr<dm::dmctl::Command>> commands = dm::dmctl::BuiltinCommands();
  dm::dmctl::Command* selected = nullptr;
  for (auto& command : commands) {
    CLI::App* parent = &app;
    std::vector<std::string> path = command->Path();
    for (size_t i = 0; i + 1 < path.size(); ++i) {
      CLI::App* group = nullptr;
      for (CLI::App* sub : parent->get_subcommands({})) {
        if (sub->get_name() == path[i]) group = sub;
      }
      if (group == nullptr) {
        auto desc = kGroups.find(path[i]);
        group = parent->add_subcommand(path[i], desc == kGroups.end() ? "" : desc->second);
        group->require_subcommand(1);
        group->fallthrough();
      }
      parent = group;
    }
    CLI::App* leaf = parent->add_subcommand(path.back(), command->Synopsis());
    leaf->fallthrough();
    if (command->Hidden()) leaf->group("");
    dm::Flags flags(leaf);
    command->AddFlags(flags);
    leaf->callback([&selected, raw = command.get()] { selected = raw; });
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? dm::dmctl::kOk : dm::dmctl::kUsage;
  }
  if (selected == nullptr) return dm::dmctl::kUsage;
  dm::dmctl::Context context(config, std::cout, std::cerr);
  context.set_deploy_dir(deploy_dir);
  return selected->Run(context);
}
