// Self-healing (docs/health.md): the controller's decisions about unhealthy and lost hosts.
//
// Each unhealthy host climbs its role's ladder: restart the failing check's service, converge the
// host again, replace the server; a rung that does not bring the host back within its settle
// time gives way to the next. A lost host (its agent silent past the grace period) is replaced.
// An unhealthy or lost app node leaves the load balancers while another one serves.
//
// The deploy watch: when every app node turns unhealthy within the watch window after a deploy,
// the revision is the likeliest cause, and the fleet goes back to the last healthy commit
// (heal.rollback, naming the failing checks). Meanwhile an app node's ladder waits a short while
// (deploy_grace) for the others to show whether it is the revision or the node.
//
// Safety, before any action:
// - nothing while the fleet's healing is off, it is in maintenance, or an operation holds it
//   (nor for a short while after one: checks that ran during it settle first);
// - a host whose health flaps (more than N changes in M minutes) is damped: reported, not healed;
// - when a large share of the fleet's (or all) agents were lost within a short window, the
//   controller suspects its own network and replaces nothing (the storm guard);
// - one host of a role at a time: another's restart or reconverge waits until the first one's
//   has run and settled, so that the rest of the role keeps serving (the longest waiting goes
//   next);
// - at most one replacement in flight per fleet, and a cap per hour;
// - a role whose every host fails is not replaced (a shared cause, such as the database, is
//   likelier than all of them breaking at once);
// - a server holding the database is replaced only when the fleet says how (restore-latest);
// - a replacement boots the new server before the old one goes: no role drops below its count.
// Every decision and action is an event with its cause and outcome.
//
// Tick() decides; actions run through `run` (a thread each in the controller, inline in tests).
// Thread-safe.
#ifndef DM_CONTROLLER_HEALTH_HEALER_H_
#define DM_CONTROLLER_HEALTH_HEALER_H_

#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "common/clock.h"
#include "controller/health/heal_world.h"
#include "controller/health/healer_options.h"
#include "controller/store/audit_trail.h"

namespace dm {

class Healer {
 public:
  using Runner = std::function<void(std::function<void()>)>;

  Healer(HealWorld* world, const AuditTrail* audit, Clock* clock, HealerOptions options,
         Runner run);

  // The health board's listener: counts changes (flapping, storms) and ends recovered episodes.
  void OnHostChange(const HostHealthChange& change);
  // Looks at every host and acts where needed. Called every second or so.
  void Tick();

 private:
  // A host's way up the ladder, from its first unhealthy tick until it is healthy again.
  struct Episode {
    std::string fleet, role;
    size_t rung = 0;  // the next rung to climb
    absl::Time next_at = absl::InfinitePast();
    bool in_flight = false;
    HealStep step = HealStep::kRestart;         // the rung in flight
    absl::Time started = absl::InfinitePast();  // its first unhealthy tick
    bool held = false;                          // a safety rule holds it (said once)
    std::string held_why;
    // Waiting while another host of its role is healed (one at a time), and since when: the
    // longest waiting goes next.
    bool waiting_turn = false;
    absl::Time waiting_since = absl::InfiniteFuture();
    std::vector<std::string> done;  // rungs climbed, for the recovery event
  };

  void TickFleet(const std::string& fleet, const std::vector<HostHealthState>& hosts)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Act(const HostHealthState& host, const FleetHealPolicy& policy,
           const std::vector<HostHealthState>& fleet_hosts) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The deploy watch (above). True when the fleet is going back to its healthy commit.
  bool WatchDeploy(const std::string& fleet, const FleetHealPolicy& policy,
                   const std::vector<HostHealthState>& hosts) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  bool InDeployWatch(const FleetHealPolicy& policy) const;
  // True while the fleet is held by the healer's own light work (setting the balancers,
  // converging one host again), or was a moment ago: that is no operation whose checks must
  // settle for everyone (a replacement or a rollback is).
  bool OwnLightWork(const std::string& fleet) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void UpdateOutOfService(const std::string& fleet, const FleetHealPolicy& policy,
                          const std::vector<HostHealthState>& hosts)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The host of `host`'s role whose restart or reconverge, or replacement, must go first: one
  // being healed (its remedy running or settling), or one that has waited longer. "" if none.
  std::string RoleMateFirst(const HostHealthState& host, const Episode& episode)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  bool Flapping(const std::string& host) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  bool Storm(const std::string& fleet, size_t fleet_size, size_t all_agents)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Holds `episode` for `why`, saying so once.
  void Hold(Episode& episode, const std::string& host, const std::string& why)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Record(const std::string& kind, const std::string& fleet, const std::string& host,
              const std::string& outcome, const std::string& message) const;

  HealWorld* const world_;
  const AuditTrail* const audit_;
  Clock* const clock_;
  const HealerOptions options_;
  const Runner run_;

  std::mutex mu_;
  std::map<std::string, Episode> episodes_ ABSL_GUARDED_BY(mu_);                // by host
  std::map<std::string, std::deque<absl::Time>> changes_ ABSL_GUARDED_BY(mu_);  // by host
  std::map<std::string, absl::Time> lost_at_ ABSL_GUARDED_BY(mu_);  // host -> when it was lost
  std::map<std::string, std::string> fleet_of_lost_ ABSL_GUARDED_BY(mu_);
  std::set<std::string> damped_ ABSL_GUARDED_BY(mu_);    // hosts said to be damped
  std::set<std::string> storming_ ABSL_GUARDED_BY(mu_);  // fleets the storm guard holds
  // Hosts whose agents are silent at the last tick but not lost yet, and their fleets.
  std::map<std::string, std::string> silent_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::deque<absl::Time>> replacements_ ABSL_GUARDED_BY(mu_);  // by fleet
  std::set<std::string> replacing_ ABSL_GUARDED_BY(mu_);  // fleets with a replacement in flight
  std::map<std::string, std::set<std::string>> out_of_service_ ABSL_GUARDED_BY(mu_);  // by fleet
  std::set<std::string> rewiring_ ABSL_GUARDED_BY(mu_);  // fleets whose balancers are being set
  std::map<std::string, absl::Time> rewire_after_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, absl::Time> busy_seen_ ABSL_GUARDED_BY(mu_);  // fleet -> last seen busy
  std::set<std::string> rolling_back_ ABSL_GUARDED_BY(mu_);  // fleets going back to a commit
  std::map<std::string, absl::Time> light_work_done_ ABSL_GUARDED_BY(mu_);  // by fleet
  std::map<std::string, absl::Time> rollback_after_ ABSL_GUARDED_BY(mu_);   // after a failed one
  size_t all_agents_ ABSL_GUARDED_BY(mu_) = 0;
  const absl::Time started_;
  // Losses within the storm window, kept when a host comes back (a network cut ends with every
  // host but one back: that one is still part of the storm); dropped when a host is gone.
  std::deque<std::pair<absl::Time, std::string>> losses_ ABSL_GUARDED_BY(mu_);
  std::vector<std::function<void()>> pending_ ABSL_GUARDED_BY(mu_);  // decided, run after unlock
};

}  // namespace dm

#endif  // DM_CONTROLLER_HEALTH_HEALER_H_
