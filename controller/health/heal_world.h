// What the healer reads and does outside itself (docs/health.md): hosts and their health, each
// fleet's healing policy, and the remedies. LiveHealWorld (controller/fleet/...) is the real one;
// the healer's tests use a fake that records what was done.
#ifndef DM_CONTROLLER_HEALTH_HEAL_WORLD_H_
#define DM_CONTROLLER_HEALTH_HEAL_WORLD_H_

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "controller/health/health_board.h"

namespace dm {

// One rung of a role's remediation ladder.
enum class HealStep { kRestart, kReconverge, kReplace };
const char* HealStepWord(HealStep step);  // "restart", "reconverge", "replace"

struct RoleHealPolicy {
  std::vector<HealStep> ladder = {HealStep::kRestart, HealStep::kReconverge, HealStep::kReplace};
  bool app = false;       // serves the app: out of the load balancers while unhealthy
  bool database = false;  // holds the database: replaced only with restore_database
};

struct FleetHealPolicy {
  bool exists = false;
  bool healing = true;            // dmctl heal FLEET on|off
  bool maintenance = false;       // dmctl maintenance FLEET on
  bool busy = false;              // a fleet operation (up, deploy, split, ...) holds the fleet
  bool restore_database = false;  // heal: {database: restore-latest}
  std::map<std::string, RoleHealPolicy> roles;  // by role name
  // The deploy watch: the app commit the fleet runs, the last one known healthy, when the last
  // deploy finished and for how long after it the fleet is watched (deploy: {watch: ...}).
  std::string commit;
  std::string healthy_commit;
  absl::Time deployed_at = absl::InfinitePast();
  absl::Duration watch = absl::Minutes(2);
};

class HealWorld {
 public:
  virtual ~HealWorld() = default;

  // Every host with its health now (HealthBoard::Hosts).
  virtual std::vector<HostHealthState> Hosts() = 0;
  virtual FleetHealPolicy Policy(const std::string& fleet) = 0;

  // The remedies. Each returns when done (a replacement takes minutes); the healer runs them off
  // its own thread.
  virtual absl::Status Restart(const std::string& host, const std::string& unit) = 0;
  virtual absl::Status Reconverge(const std::string& fleet, const std::string& host) = 0;
  // Boots a new server for `host`'s place, wires it in, then destroys `host`. Returns what is
  // worth saying about it ("" or the backup a database was restored from, with its time).
  virtual absl::StatusOr<std::string> Replace(const std::string& fleet,
                                              const std::string& host) = 0;
  // Every app node back to `commit` (the last healthy one), for `cause`.
  virtual absl::Status Rollback(const std::string& fleet, const std::string& commit,
                                const std::string& cause) = 0;
  // The fleet's load balancers send to every app node but `out`.
  virtual absl::Status SetOutOfService(const std::string& fleet,
                                       const std::set<std::string>& out) = 0;
};

}  // namespace dm

#endif  // DM_CONTROLLER_HEALTH_HEAL_WORLD_H_
