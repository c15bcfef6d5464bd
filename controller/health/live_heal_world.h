// The healer's real world: hosts from the health board, each fleet's policy from its record and
// file (roles' ladders, heal:, healing on or off, maintenance, whether an operation holds it),
// restarts through the host's agent (systemctl restart), and the fleet operations of
// fleet/operations/heal.h for the rest.
#ifndef DM_CONTROLLER_HEALTH_LIVE_HEAL_WORLD_H_
#define DM_CONTROLLER_HEALTH_LIVE_HEAL_WORLD_H_

#include <map>
#include <mutex>
#include <string>

#include "absl/base/thread_annotations.h"
#include "controller/agents/agent_directory.h"
#include "controller/commands/command_tracker.h"
#include "controller/fleet/fleet_service.h"
#include "controller/health/heal_world.h"
#include "controller/health/health_board.h"

namespace dm {

class LiveHealWorld : public HealWorld {
 public:
  struct Parts {
    HealthBoard* board = nullptr;
    FleetService* fleets = nullptr;
    Store* store = nullptr;
    AgentDirectory* directory = nullptr;
    CommandTracker* tracker = nullptr;
    std::string deploy_dir;
    DeployTreeStore* trees = nullptr;  // the fleets' own deploy folders
  };
  explicit LiveHealWorld(const Parts& parts) : parts_(parts) {}

  std::vector<HostHealthState> Hosts() override;
  FleetHealPolicy Policy(const std::string& fleet) override;
  absl::Status Restart(const std::string& host, const std::string& unit) override;
  absl::Status Reconverge(const std::string& fleet, const std::string& host) override;
  absl::StatusOr<std::string> Replace(const std::string& fleet, const std::string& host) override;
  absl::Status Rollback(const std::string& fleet, const std::string& commit,
                        const std::string& cause) override;
  absl::Status SetOutOfService(const std::string& fleet, const std::set<std::string>& out) override;

 private:
  const Parts parts_;
  // Roles' policies by fleet, for the file text they were read from (role files are read once
  // per applied fleet file, not every tick).
  std::mutex mu_;
  std::map<std::string, std::pair<std::string, FleetHealPolicy>> cache_ ABSL_GUARDED_BY(mu_);
};

}  // namespace dm

#endif  // DM_CONTROLLER_HEALTH_LIVE_HEAL_WORLD_H_
