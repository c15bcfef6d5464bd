#include "controller/health/healer.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/log.h"

namespace dm {
namespace {

bool Broken(const HostHealthState& host) {
  return host.health == dm::v1::HOST_UNHEALTHY || host.health == dm::v1::HOST_LOST;
}

bool Serving(const HostHealthState& host) {
  return host.health == dm::v1::HOST_HEALTHY || host.health == dm::v1::HOST_DEGRADED;
}

// The unit to restart: the first failing critical check's service.
const dm::v1::CheckStatus* FailingCheck(const HostHealthState& host) {
  for (const dm::v1::CheckStatus& c : host.report.checks())
    if (c.state() == dm::v1::CHECK_FAILING && c.critical()) return &c;
  return nullptr;
}

void Trim(std::deque<absl::Time>& times, absl::Time since) {
  while (!times.empty() && times.front() < since) times.pop_front();
}

}  // namespace

const char* HealStepWord(HealStep step) {
  switch (step) {
    case HealStep::kRestart:
      return "restart";
    case HealStep::kReconverge:
      return "reconverge";
    case HealStep::kReplace:
      return "replace";
  }
  return "?";
}

Healer::Healer(HealWorld* world, const AuditTrail* audit, Clock* clock, HealerOptions options,
               Runner run)
    : world_(world),
      audit_(audit),
      clock_(clock),
      options_(options),
      run_(std::move(run)),
      started_(clock->Now()) {}

void Healer::Record(const std::string& kind, const std::string& fleet, const std::string& host,
                    const std::string& outcome, const std::string& message) const {
  LogInfo("{} {}: {} ({})", kind, host, message, outcome);
  EventRecord event;
  event.kind = kind;
  event.fleet = fleet;
  event.subject = host;
  event.outcome = outcome;
  event.message = message;
  audit_->Record(std::move(event));
}

void Healer::OnHostChange(const HostHealthChange& change) {
  std::lock_guard<std::mutex> lock(mu_);
  absl::Time now = clock_->Now();
  const std::string& host = change.host.name;
  std::deque<absl::Time>& times = changes_[host];
  times.push_back(now);
  Trim(times, now - options_.flap_window);
  if (change.host.health == dm::v1::HOST_LOST) {
    lost_at_[host] = now;
    fleet_of_lost_[host] = change.host.fleet;
    losses_.push_back({now, host});
  } else if (change.before == dm::v1::HOST_LOST) {
    lost_at_.erase(host);  // (its loss stays in losses_ for the storm window)
  }
}

bool Healer::Flapping(const std::string& host) {
  std::deque<absl::Time>& times = changes_[host];
  Trim(times, clock_->Now() - options_.flap_window);
  return static_cast<int>(times.size()) > options_.flap_changes;
}

bool Healer::Storm(const std::string& fleet, size_t fleet_size, size_t all_agents) {
  absl::Time since = clock_->Now() - options_.storm_window;
  while (!losses_.empty() && losses_.front().first < since) losses_.pop_front();
  std::set<std::string> in_fleet, everywhere;
  for (const auto& [at, host] : losses_) {
    everywhere.insert(host);
    if (fleet_of_lost_[host] == fleet) in_fleet.insert(host);
  }
  // Agents silent now but not lost yet: many falling silent together is the controller's own
  // trouble (its network, or a machine too busy to hear them), whichever of them is lost first.
  for (const auto& [host, host_fleet] : silent_) {
    everywhere.insert(host);
    if (host_fleet == fleet) in_fleet.insert(host);
  }
  // One host lost is never a storm: a server does die alone.
  auto too_many = [this](size_t lost, size_t of) {
    return lost >= 2 && static_cast<double>(lost) > options_.storm_share * static_cast<double>(of);
  };
  return too_many(in_fleet.size(), fleet_size) || too_many(everywhere.size(), all_agents);
}

void Healer::Hold(Episode& episode, const std::string& host, const std::string& why) {
  if (episode.held && episode.held_why == why) return;
  episode.held = true;
  episode.held_why = why;
  Record("heal.held", episode.fleet, host, "skipped", why);
}

void Healer::Tick() {
  std::vector<HostHealthState> hosts = world_->Hosts();
  std::map<std::string, std::vector<HostHealthState>> by_fleet;
  for (const HostHealthState& h : hosts)
    if (!h.fleet.empty()) by_fleet[h.fleet].push_back(h);
  std::map<std::string, FleetHealPolicy> policies;
  for (const auto& [fleet, members] : by_fleet) policies[fleet] = world_->Policy(fleet);

  std::vector<std::function<void()>> actions;
  {
    std::lock_guard<std::mutex> lock(mu_);
    all_agents_ = hosts.size();
    std::set<std::string> present;
    for (const HostHealthState& h : hosts) present.insert(h.name);
    for (auto it = episodes_.begin(); it != episodes_.end();) {
      it = present.count(it->first) || it->second.in_flight ? std::next(it) : episodes_.erase(it);
    }
    silent_.clear();
    for (const HostHealthState& h : hosts)
      if (!h.connected && h.health != dm::v1::HOST_LOST) silent_[h.name] = h.fleet;
    // Hosts this tick sees lost count towards a storm at once, even before the board's sweep
    // announces them: a network cut must not look like one lost host at a time.
    for (const HostHealthState& h : hosts) {
      if (h.health == dm::v1::HOST_LOST && lost_at_.emplace(h.name, clock_->Now()).second) {
        fleet_of_lost_[h.name] = h.fleet;
        losses_.push_back({clock_->Now(), h.name});
      }
    }
    // A replaced server's loss is over: it no longer counts towards a storm.
    for (auto it = lost_at_.begin(); it != lost_at_.end();) {
      if (present.count(it->first)) {
        ++it;
      } else {
        it = lost_at_.erase(it);
      }
    }
    for (auto it = losses_.begin(); it != losses_.end();)
      it = present.count(it->second) ? std::next(it) : losses_.erase(it);
    for (const auto& [fleet, members] : by_fleet) {
      const FleetHealPolicy& policy = policies[fleet];
      if (!policy.exists) continue;
      if (policy.busy && !OwnLightWork(fleet)) busy_seen_[fleet] = clock_->Now();
      // A revision that broke every app node is undone before any node is treated.
      if (WatchDeploy(fleet, policy, members)) continue;
      // The balancers first: a broken app node leaves them before anything else is tried.
      UpdateOutOfService(fleet, policy, members);
      for (const HostHealthState& host : members) Act(host, policy, members);
    }
    actions.swap(pending_);
  }
  for (std::function<void()>& action : actions) run_(std::move(action));
}

void Healer::Act(const HostHealthState& host, const FleetHealPolicy& policy,
                 const std::vector<HostHealthState>& fleet_hosts) {
  auto found = episodes_.find(host.name);
  if (!Broken(host)) {
    if (found != episodes_.end() && !found->second.in_flight && Serving(host)) {
      if (!found->second.done.empty()) {
        Record("heal.recovered", host.fleet, host.name, "succeeded",
               absl::StrCat("healthy again after ", absl::StrJoin(found->second.done, ", ")));
      }
      episodes_.erase(found);
    }
    damped_.erase(host.name);
    return;
  }
  Episode& episode = episodes_[host.name];
  if (episode.fleet.empty()) {
    episode.fleet = host.fleet;
    episode.role = host.role;
    episode.started = clock_->Now();
  }
  if (episode.in_flight) return;
  episode.waiting_turn = false;  // until the turn rule below holds it again

  if (!policy.healing) return Hold(episode, host.name, "healing is off (dmctl heal FLEET on)");
  if (policy.maintenance) return Hold(episode, host.name, "the fleet is in maintenance");
  if (policy.busy) return Hold(episode, host.name, "a fleet operation is running");
  if (clock_->Now() < started_ + options_.after_start) {
    return Hold(episode, host.name, "the controller just started: reports settle first");
  }
  if (auto busy = busy_seen_.find(host.fleet);
      busy != busy_seen_.end() && clock_->Now() < busy->second + options_.after_operation) {
    return Hold(episode, host.name, "a fleet operation just finished: its checks settle first");
  }
  if (Flapping(host.name)) {
    if (damped_.insert(host.name).second) {
      Record("heal.damped", host.fleet, host.name, "skipped",
             absl::StrCat("its health changed more than ", options_.flap_changes, " times in ",
                          absl::FormatDuration(options_.flap_window),
                          ": reported, not healed, until it settles"));
    }
    return;
  }
  auto role = policy.roles.find(host.role);
  RoleHealPolicy role_policy = role == policy.roles.end() ? RoleHealPolicy{} : role->second;
  const bool lost = host.health == dm::v1::HOST_LOST;
  if (role_policy.app && !lost && InDeployWatch(policy) &&
      clock_->Now() < episode.started + options_.deploy_grace) {
    return Hold(episode, host.name,
                "just deployed: waiting to see whether every app node fails (then the deploy is "
                "rolled back) or only this one");
  }
  if (lost && Storm(host.fleet, fleet_hosts.size(), all_agents_)) {
    if (storming_.insert(host.fleet).second) {
      Record("heal.storm_guard", host.fleet, host.name, "skipped",
             "many agents were lost at once: the controller's own network is the likelier cause; "
             "nothing is replaced");
    }
    return;
  }
  storming_.erase(host.fleet);
  absl::Time now = clock_->Now();
  if (now < episode.next_at) return;

  const dm::v1::CheckStatus* failing = FailingCheck(host);
  // The next rung that applies: a lost host has no agent to restart or converge through, and a
  // restart needs a failing check that names its service.
  while (episode.rung < role_policy.ladder.size()) {
    HealStep step = role_policy.ladder[episode.rung];
    if (lost && step != HealStep::kReplace) {
      ++episode.rung;
    } else if (step == HealStep::kRestart && (failing == nullptr || failing->service().empty())) {
      ++episode.rung;
    } else {
      break;
    }
  }
  if (episode.rung >= role_policy.ladder.size()) {
    return Hold(episode, host.name,
                "every rung of the role's ladder was tried: over to an operator");
  }
  const HealStep step = role_policy.ladder[episode.rung];

  if (step != HealStep::kReplace) {
    if (std::string first = RoleMateFirst(host, episode); !first.empty()) {
      episode.waiting_turn = true;
      if (episode.waiting_since == absl::InfiniteFuture()) episode.waiting_since = now;
      return Hold(episode, host.name,
                  absl::StrCat(first, " is healed first: one ", host.role,
                               " at a time, so that the others keep serving"));
    }
    episode.waiting_since = absl::InfiniteFuture();
  }

  if (step == HealStep::kReplace) {
    if (role_policy.database && !policy.restore_database) {
      return Hold(episode, host.name,
                  "it holds the database: replaced only with heal: {database: restore-latest} in "
                  "the fleet file");
    }
    size_t role_hosts = 0, role_broken = 0;
    for (const HostHealthState& h : fleet_hosts) {
      if (h.role != host.role) continue;
      ++role_hosts;
      if (Broken(h)) ++role_broken;
    }
    if (!lost && role_hosts > 1 && role_broken == role_hosts) {
      return Hold(
          episode, host.name,
          absl::StrCat("every ", host.role, " fails: a shared cause is likelier; no replacement"));
    }
    // The balancers are being set (the host leaving them): the replacement waits its turn.
    if (rewiring_.count(host.fleet)) return;
    if (replacing_.count(host.fleet)) {
      return Hold(episode, host.name, "another replacement of the fleet is in flight");
    }
    std::deque<absl::Time>& recent = replacements_[host.fleet];
    Trim(recent, now - absl::Hours(1));
    if (static_cast<int>(recent.size()) >= options_.replacements_per_hour) {
      return Hold(episode, host.name,
                  absl::StrCat("the fleet had ", recent.size(),
                               " replacements in the last hour (the cap)"));
    }
    recent.push_back(now);
    replacing_.insert(host.fleet);
  }

  episode.in_flight = true;
  episode.step = step;
  episode.held = false;
  const std::string kind = absl::StrCat("heal.", HealStepWord(step));
  std::string cause = lost ? "its agent is lost"
                           : absl::StrCat(failing ? failing->name() : "a check", " fails",
                                          failing && !failing->output().empty()
                                              ? ": " + failing->output().substr(0, 200)
                                              : "");
  std::string what = step == HealStep::kRestart
                         ? absl::StrCat("restarting ", failing->service(), " because ", cause)
                         : absl::StrCat(step == HealStep::kReconverge ? "converging the host again"
                                                                      : "replacing the server",
                                        " because ", cause);
  Record(kind, host.fleet, host.name, "started", what);
  const std::string name = host.name, fleet = host.fleet;
  const std::string unit = step == HealStep::kRestart ? failing->service() : "";
  pending_.push_back([this, step, name, fleet, unit, kind] {
    absl::Status done;
    std::string note;
    switch (step) {
      case HealStep::kRestart:
        done = world_->Restart(name, unit);
        break;
      case HealStep::kReconverge:
        done = world_->Reconverge(fleet, name);
        break;
      case HealStep::kReplace: {
        absl::StatusOr<std::string> replaced = world_->Replace(fleet, name);
        done = replaced.status();
        if (replaced.ok() && !replaced->empty()) note = ": " + *replaced;
        break;
      }
    }
    Record(
        kind, fleet, name, done.ok() ? "succeeded" : "failed",
        done.ok() ? absl::StrCat(HealStepWord(step), " done", note) : std::string(done.message()));
    std::lock_guard<std::mutex> lock(mu_);
    if (step == HealStep::kReplace) replacing_.erase(fleet);
    if (step == HealStep::kReconverge) light_work_done_[fleet] = clock_->Now();
    auto episode = episodes_.find(name);
    if (episode == episodes_.end()) return;
    if (step == HealStep::kReplace && done.ok()) {
      episodes_.erase(episode);  // the host is gone; its replacement starts afresh
      return;
    }
    episode->second.in_flight = false;
    episode->second.done.push_back(HealStepWord(step));
    ++episode->second.rung;
    episode->second.next_at =
        clock_->Now() +
        (step == HealStep::kRestart ? options_.restart_settle : options_.reconverge_settle);
  });
}

std::string Healer::RoleMateFirst(const HostHealthState& host, const Episode& episode) {
  const absl::Time now = clock_->Now();
  for (const auto& [name, mate] : episodes_) {
    if (name == host.name || mate.fleet != host.fleet || mate.role != host.role) continue;
    const bool being_healed = mate.in_flight || (!mate.done.empty() && now < mate.next_at);
    const bool waited_longer = mate.waiting_turn && mate.waiting_since < episode.waiting_since;
    if (being_healed || waited_longer) return name;
  }
  return "";
}

bool Healer::OwnLightWork(const std::string& fleet) {
  if (rewiring_.count(fleet)) return true;
  for (const auto& [host, episode] : episodes_) {
    if (episode.fleet == fleet && episode.in_flight && episode.step == HealStep::kReconverge)
      return true;
  }
  // The operation's lock may outlive the healer's note of it by a moment.
  auto done = light_work_done_.find(fleet);
  return done != light_work_done_.end() && clock_->Now() < done->second + absl::Seconds(2);
}

bool Healer::InDeployWatch(const FleetHealPolicy& policy) const {
  return !policy.commit.empty() && !policy.healthy_commit.empty() &&
         policy.healthy_commit != policy.commit &&
         clock_->Now() < policy.deployed_at + policy.watch;
}

bool Healer::WatchDeploy(const std::string& fleet, const FleetHealPolicy& policy,
                         const std::vector<HostHealthState>& hosts) {
  if (rolling_back_.count(fleet)) return true;
  if (!InDeployWatch(policy) || !policy.healing || policy.maintenance || policy.busy) return false;
  if (clock_->Now() < rollback_after_[fleet]) return false;  // the last attempt failed
  // Every app node unhealthy by its own checks. Lost ones say nothing of the revision (the
  // storm guard's business), so they neither count nor are required.
  std::vector<std::string> failing;
  size_t apps = 0;
  for (const HostHealthState& h : hosts) {
    auto role = policy.roles.find(h.role);
    if (role == policy.roles.end() || !role->second.app) continue;
    ++apps;
    if (h.health != dm::v1::HOST_UNHEALTHY) return false;
    std::vector<std::string> checks;
    for (const dm::v1::CheckStatus& c : h.report.checks()) {
      if (c.state() != dm::v1::CHECK_FAILING || !c.critical()) continue;
      std::string output = c.output().substr(0, c.output().find('\n')).substr(0, 120);
      checks.push_back(output.empty() ? c.name() : absl::StrCat(c.name(), " (", output, ")"));
    }
    failing.push_back(absl::StrCat(h.name, ": ", absl::StrJoin(checks, ", ")));
  }
  if (apps == 0) return false;
  rolling_back_.insert(fleet);
  const std::string cause = absl::StrCat(
      "every app node fails its checks within ",
      absl::FormatDuration(absl::Trunc(clock_->Now() - policy.deployed_at, absl::Seconds(1))),
      " of deploying ", policy.commit.substr(0, 12), " (", absl::StrJoin(failing, "; "), ")");
  Record("heal.rollback", fleet, fleet, "started",
         absl::StrCat(cause, ": back to ", policy.healthy_commit.substr(0, 12),
                      ", the last healthy commit"));
  pending_.push_back([this, fleet, commit = policy.healthy_commit, cause] {
    absl::Status done = world_->Rollback(fleet, commit, cause);
    Record("heal.rollback", fleet, fleet, done.ok() ? "succeeded" : "failed",
           done.ok() ? absl::StrCat("every app node runs ", commit.substr(0, 12), " again")
                     : std::string(done.message()));
    std::lock_guard<std::mutex> lock(mu_);
    rolling_back_.erase(fleet);
    if (!done.ok()) rollback_after_[fleet] = clock_->Now() + absl::Seconds(30);
  });
  return true;
}

void Healer::UpdateOutOfService(const std::string& fleet, const FleetHealPolicy& policy,
                                const std::vector<HostHealthState>& hosts) {
  if (!policy.healing || policy.maintenance || policy.busy || rewiring_.count(fleet)) return;
  if (auto busy = busy_seen_.find(fleet);
      busy != busy_seen_.end() && clock_->Now() < busy->second + options_.after_operation) {
    return;
  }
  if (clock_->Now() < rewire_after_[fleet]) return;
  if (clock_->Now() < started_ + options_.after_start)
    return;  // the last attempt failed: not every second
  std::set<std::string> broken, serving;
  for (const HostHealthState& h : hosts) {
    auto role = policy.roles.find(h.role);
    if (role == policy.roles.end() || !role->second.app) continue;
    if (Broken(h)) broken.insert(h.name);
    if (Serving(h)) serving.insert(h.name);
  }
  // With no app node serving, the load balancers keep them all: one may answer some requests.
  std::set<std::string> out = serving.empty() ? std::set<std::string>{} : broken;
  std::set<std::string>& now_out = out_of_service_[fleet];
  // A replaced node is gone from the fleet, and from the balancers with it.
  for (auto it = now_out.begin(); it != now_out.end();) {
    bool present = false;
    for (const HostHealthState& h : hosts) present = present || h.name == *it;
    it = present ? std::next(it) : now_out.erase(it);
  }
  if (out == now_out) return;
  rewiring_.insert(fleet);
  pending_.push_back([this, fleet, out] {
    absl::Status done = world_->SetOutOfService(fleet, out);
    std::lock_guard<std::mutex> lock(mu_);
    rewiring_.erase(fleet);
    light_work_done_[fleet] = clock_->Now();
    std::set<std::string>& was = out_of_service_[fleet];
    std::vector<std::string> left, back;
    for (const std::string& h : out)
      if (!was.count(h)) left.push_back(h);
    for (const std::string& h : was)
      if (!out.count(h)) back.push_back(h);
    std::string message = absl::StrCat(
        left.empty() ? "" : absl::StrCat("out of the load balancers: ", absl::StrJoin(left, ", ")),
        !left.empty() && !back.empty() ? "; " : "",
        back.empty() ? "" : absl::StrCat("back in: ", absl::StrJoin(back, ", ")));
    Record("heal.upstreams", fleet, fleet, done.ok() ? "succeeded" : "failed",
           done.ok() ? message : absl::StrCat(message, ": ", done.message()));
    if (done.ok()) was = out;
    if (!done.ok()) rewire_after_[fleet] = clock_->Now() + absl::Seconds(30);
  });
}

}  // namespace dm
