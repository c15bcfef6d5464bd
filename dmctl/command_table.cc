// Every dmctl command, in the order --help lists them.
#include "dmctl/command.h"

namespace dm::dmctl {

std::unique_ptr<Command> NewAgentsList();
std::unique_ptr<Command> NewAgentsShow();
std::unique_ptr<Command> NewAgentsRemove();
std::unique_ptr<Command> NewAgentsPing();
std::unique_ptr<Command> NewTokenCreate();
std::unique_ptr<Command> NewTokenList();
std::unique_ptr<Command> NewTokenRevoke();
std::unique_ptr<Command> NewExec();
std::unique_ptr<Command> NewEventsList();
std::unique_ptr<Command> NewConverge();
std::unique_ptr<Command> NewServersBoot();
std::unique_ptr<Command> NewServersList();
std::unique_ptr<Command> NewServersDestroy();
std::unique_ptr<Command> NewBootstrap();
std::unique_ptr<Command> NewRunsList();
std::unique_ptr<Command> NewRunsShow();
std::unique_ptr<Command> NewStatus();
std::unique_ptr<Command> NewHealth();
std::unique_ptr<Command> NewHeal();
std::unique_ptr<Command> NewDnsSet();
std::unique_ptr<Command> NewDnsList();
std::unique_ptr<Command> NewDnsDelete();
std::unique_ptr<Command> NewPlan();
std::unique_ptr<Command> NewUp();
std::unique_ptr<Command> NewGitTransport();
std::unique_ptr<Command> NewDown();
std::unique_ptr<Command> NewScale();
std::unique_ptr<Command> NewDeploy();
std::unique_ptr<Command> NewRollback();
std::unique_ptr<Command> NewMaintenance();
std::unique_ptr<Command> NewSplit();
std::unique_ptr<Command> NewLogs();
std::unique_ptr<Command> NewApp();
std::unique_ptr<Command> NewBackupCreate();
std::unique_ptr<Command> NewBackupList();
std::unique_ptr<Command> NewBackupRestore();

std::vector<std::unique_ptr<Command>> BuiltinCommands() {
  std::vector<std::unique_ptr<Command>> commands;
  // Fleets first: what an operator uses every day.
  commands.push_back(NewStatus());
  commands.push_back(NewHealth());
  commands.push_back(NewHeal());
  commands.push_back(NewDnsSet());
  commands.push_back(NewDnsList());
  commands.push_back(NewDnsDelete());
  commands.push_back(NewPlan());
  commands.push_back(NewUp());
  commands.push_back(NewGitTransport());
  commands.push_back(NewScale());
  commands.push_back(NewDeploy());
  commands.push_back(NewRollback());
  commands.push_back(NewSplit());
  commands.push_back(NewMaintenance());
  commands.push_back(NewLogs());
  commands.push_back(NewApp());
  commands.push_back(NewBackupCreate());
  commands.push_back(NewBackupList());
  commands.push_back(NewBackupRestore());
  commands.push_back(NewDown());
  commands.push_back(NewAgentsList());
  commands.push_back(NewAgentsShow());
  commands.push_back(NewAgentsRemove());
  commands.push_back(NewAgentsPing());
  commands.push_back(NewTokenCreate());
  commands.push_back(NewTokenList());
  commands.push_back(NewTokenRevoke());
  commands.push_back(NewExec());
  commands.push_back(NewServersBoot());
  commands.push_back(NewServersList());
  commands.push_back(NewServersDestroy());
  commands.push_back(NewBootstrap());
  commands.push_back(NewConverge());
  commands.push_back(NewRunsList());
  commands.push_back(NewRunsShow());
  commands.push_back(NewEventsList());
  return commands;
}

}  // namespace dm::dmctl
