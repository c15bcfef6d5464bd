#include "controller/health/health_board.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/log.h"
#include "common/state_words.h"

namespace dm {
namespace {

std::map<std::string, const dm::v1::CheckStatus*> ByName(const dm::v1::HealthReport& report) {
  std::map<std::string, const dm::v1::CheckStatus*> out;
  for (const dm::v1::CheckStatus& c : report.checks()) out[c.name()] = &c;
  return out;
}

std::vector<std::string> FailingNames(const dm::v1::HealthReport& report) {
  std::vector<std::string> names;
  for (const dm::v1::CheckStatus& c : report.checks())
    if (c.state() == dm::v1::CHECK_FAILING) names.push_back(c.name());
  return names;
}

}  // namespace

dm::v1::HostHealth JudgeChecks(const dm::v1::HealthReport& report) {
  if (report.checks().empty()) return dm::v1::HOST_UNKNOWN;
  bool critical_failing = false, other_failing = false, unknown = false;
  for (const dm::v1::CheckStatus& c : report.checks()) {
    if (c.state() == dm::v1::CHECK_FAILING)
      (c.critical() ? critical_failing : other_failing) = true;
    if (c.state() == dm::v1::CHECK_UNKNOWN) unknown = true;
  }
  if (critical_failing) return dm::v1::HOST_UNHEALTHY;
  if (other_failing) return dm::v1::HOST_DEGRADED;
  if (unknown) return dm::v1::HOST_UNKNOWN;
  return dm::v1::HOST_HEALTHY;
}

HealthBoard::HealthBoard(Store* store, AgentDirectory* directory, const AuditTrail* audit,
                         Clock* clock, Options options)
    : store_(store), directory_(directory), audit_(audit), clock_(clock), options_(options) {}

HealthBoard::~HealthBoard() { Stop(); }

void HealthBoard::StartSweeping(absl::Duration every) {
  sweeper_ = std::thread([this, every] {
    std::unique_lock<std::mutex> lock(sweep_mu_);
    while (
        !sweep_cv_.wait_for(lock, absl::ToChronoNanoseconds(every), [this] { return stopping_; })) {
      lock.unlock();
      Sweep();
      lock.lock();
    }
  });
}

void HealthBoard::Stop() {
  {
    std::lock_guard<std::mutex> lock(sweep_mu_);
    stopping_ = true;
  }
  sweep_cv_.notify_all();
  if (sweeper_.joinable()) sweeper_.join();
}

void HealthBoard::SetListener(std::function<void(const HostHealthChange&)> listener) {
  std::lock_guard<std::mutex> lock(listener_mu_);
  listener_ = std::move(listener);
}

absl::Status HealthBoard::Load() {
  absl::StatusOr<std::vector<AgentRecord>> agents = store_->ListAgents();
  if (!agents.ok()) return agents.status();
  std::lock_guard<std::mutex> lock(mu_);
  for (const AgentRecord& a : *agents) {
    Entry& entry = hosts_[a.name];
    entry.report = a.health;
    entry.judged = JudgeChecks(a.health);
  }
  return absl::OkStatus();
}

std::string HealthBoard::FleetOf(const std::string& name, Entry& entry) {
  if (entry.fleet) return *entry.fleet;
  // Kept once the server is known; an agent without a server (enrolled by hand) is asked again.
  absl::StatusOr<ServerRecord> server = store_->GetServer(name);
  if (!server.ok()) return "";
  entry.fleet = server->fleet;
  return *entry.fleet;
}

HostHealthState HealthBoard::Judge(const AgentView& agent, const Entry& entry) const {
  HostHealthState state;
  state.name = agent.record.name;
  state.role = agent.record.role;
  state.report = entry.report;
  state.last_seen = agent.record.last_seen;
  state.connected = agent.connected;
  absl::Time now = clock_->Now();
  bool lost =
      !agent.connected && agent.record.last_seen != absl::InfinitePast() &&
      now - std::max(agent.disconnected_since, agent.record.last_seen) > options_.lost_after;
  state.health = lost ? dm::v1::HOST_LOST : JudgeChecks(entry.report);
  return state;
}

void HealthBoard::Report(const std::string& agent_name, const dm::v1::HealthReport& report) {
  absl::StatusOr<AgentView> agent = directory_->Get(agent_name);
  if (!agent.ok()) return;  // removed meanwhile
  dm::v1::HealthReport before;
  std::vector<HostHealthChange> changes;
  std::string fleet;
  {
    std::lock_guard<std::mutex> lock(mu_);
    Entry& entry = hosts_[agent_name];
    before = entry.report;
    entry.report = report;
    HostHealthState judged = Judge(*agent, entry);
    judged.fleet = FleetOf(agent_name, entry);
    fleet = judged.fleet;
    if (judged.health != entry.judged) {
      changes.push_back({judged, entry.judged});
      entry.judged = judged.health;
    }
  }
  if (absl::Status s = store_->RecordAgentHealth(agent->record.id, report); !s.ok())
    LogWarn("keeping the health of {}: {}", agent_name, s.ToString());
  RecordCheckChanges(agent_name, fleet, before, report);
  Announce(changes);
}

bool HealthBoard::ShouldAskForReport(const std::string& agent_name, uint64_t digest) {
  std::lock_guard<std::mutex> lock(mu_);
  Entry& entry = hosts_[agent_name];
  if (entry.report.digest() == digest) return false;
  // An agent without checks reports a digest of nothing; so does a board that has no report.
  if (entry.report.checks().empty() && digest == 0) return false;
  absl::Time now = clock_->Now();
  if (now - entry.asked < options_.ask_interval) return false;
  entry.asked = now;
  return true;
}

void HealthBoard::Sweep() {
  std::vector<AgentView> agents = directory_->List();
  std::vector<HostHealthChange> changes;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const AgentView& agent : agents) {
      Entry& entry = hosts_[agent.record.name];
      HostHealthState judged = Judge(agent, entry);
      if (judged.health == entry.judged) continue;
      judged.fleet = FleetOf(agent.record.name, entry);
      changes.push_back({judged, entry.judged});
      entry.judged = judged.health;
    }
  }
  Announce(changes);
}

std::vector<HostHealthState> HealthBoard::Hosts(const std::string& fleet) {
  std::vector<AgentView> agents = directory_->List();
  std::vector<HostHealthState> out;
  std::lock_guard<std::mutex> lock(mu_);
  for (const AgentView& agent : agents) {
    Entry& entry = hosts_[agent.record.name];
    HostHealthState state = Judge(agent, entry);
    state.fleet = FleetOf(agent.record.name, entry);
    if (!fleet.empty() && state.fleet != fleet) continue;
    out.push_back(std::move(state));
  }
  return out;
}

std::optional<HostHealthState> HealthBoard::Host(const std::string& name) {
  absl::StatusOr<AgentView> agent = directory_->Get(name);
  if (!agent.ok()) return std::nullopt;
  std::lock_guard<std::mutex> lock(mu_);
  Entry& entry = hosts_[name];
  HostHealthState state = Judge(*agent, entry);
  state.fleet = FleetOf(name, entry);
  return state;
}

void HealthBoard::RecordCheckChanges(const std::string& name, const std::string& fleet,
                                     const dm::v1::HealthReport& before,
                                     const dm::v1::HealthReport& after) {
  std::map<std::string, const dm::v1::CheckStatus*> old = ByName(before);
  for (const dm::v1::CheckStatus& check : after.checks()) {
    auto was = old.find(check.name());
    dm::v1::CheckState previous = was == old.end() ? dm::v1::CHECK_UNKNOWN : was->second->state();
    if (previous == check.state()) continue;
    EventRecord event;
    event.subject = name;
    event.fleet = fleet;
    if (check.state() == dm::v1::CHECK_FAILING) {
      event.kind = "health.check_failed";
      event.message = absl::StrCat(check.name(), ": ", check.output());
    } else if (check.state() == dm::v1::CHECK_PASSING && previous == dm::v1::CHECK_FAILING) {
      event.kind = "health.check_passed";
      event.message = absl::StrCat(check.name(), " passes again");
    } else {
      continue;  // a new check's first pass is no news
    }
    audit_->Record(std::move(event));
  }
}

void HealthBoard::Announce(const std::vector<HostHealthChange>& changes) {
  for (const HostHealthChange& change : changes) {
    EventRecord event;
    event.kind = "health.host";
    event.subject = change.host.name;
    event.fleet = change.host.fleet;
    std::vector<std::string> failing = FailingNames(change.host.report);
    event.message = absl::StrCat(
        HostHealthWord(change.before), " -> ", HostHealthWord(change.host.health),
        change.host.health == dm::v1::HOST_LOST
            ? " (its agent has not been heard from)"
            : (failing.empty() ? ""
                               : absl::StrCat(" (failing: ", absl::StrJoin(failing, ", "), ")")));
    LogInfo("host {}: {}", change.host.name, event.message);
    audit_->Record(std::move(event));
  }
  std::function<void(const HostHealthChange&)> listener;
  {
    std::lock_guard<std::mutex> lock(listener_mu_);
    listener = listener_;
  }
  if (listener)
    for (const HostHealthChange& change : changes) listener(change);
}

}  // namespace dm
