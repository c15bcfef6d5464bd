#include "controller/fleet/steps/inventory.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace dm {

const dm::v1::Server* Inventory::ServerOf(const std::string& host) const {
  auto it = servers.find(host);
  return it == servers.end() ? nullptr : &it->second;
}

bool Inventory::Wants(const std::string& name) const {
  return std::any_of(hosts.begin(), hosts.end(),
                     [&](const FleetHost& h) { return h.name == name; });
}

absl::StatusOr<Inventory> TakeInventory(const FleetEnv& env, const FleetFile& file) {
  Inventory inventory;
  inventory.hosts = DesiredHosts(file);
  DM_ASSIGN_OR_RETURN(std::vector<dm::v1::Server> servers, env.world->ListServers());
  for (dm::v1::Server& server : servers) {
    if (server.fleet() == file.name) inventory.servers.emplace(server.name(), std::move(server));
  }
  for (FleetHost& host : inventory.hosts) {
    if (const dm::v1::Server* server = inventory.ServerOf(host.name)) {
      host.address = server->address();
      host.private_address = server->private_address();
    }
  }
  return inventory;
}

bool WaitForAgent(const FleetEnv& env, const std::string& name, absl::Duration timeout) {
  const absl::Time deadline = env.clock->Now() + timeout;
  for (;;) {
    absl::StatusOr<bool> connected = env.world->AgentConnected(name);
    if (connected.ok() && *connected) return true;
    if (!connected.ok() || env.clock->Now() >= deadline) return false;
    env.clock->SleepFor(absl::Milliseconds(100));
  }
}

std::string AgentUpgrade(const FleetEnv& env, const dm::v1::Server& server) {
  absl::StatusOr<std::string> version = env.world->AgentPackageVersion();
  if (!version.ok() || server.bootstrap() != dm::v1::BOOTSTRAP_DONE ||
      server.agent_package() == *version) {
    return "";
  }
  return absl::StrCat(server.agent_package().empty() ? "an older agent" : server.agent_package(),
                      " -> ", *version);
}

}  // namespace dm
