#include "controller/fleet/steps/health_gate.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace dm {
namespace {

constexpr absl::Duration kPoll = absl::Milliseconds(500);
constexpr absl::Duration kMinimumWindow = absl::Seconds(5);
// An output in a step's message: its first line, short.
std::string Brief(const std::string& output) {
  std::string line = output.substr(0, output.find('\n'));
  return line.size() > 160 ? line.substr(0, 160) + "..." : line;
}

bool Failing(const dm::v1::CheckStatus& check) {
  return check.critical() && check.state() == dm::v1::CHECK_FAILING;
}

// "http[...] (GET ...: status 500)"
std::string Describe(const dm::v1::CheckStatus& check) {
  return check.output().empty() ? check.name()
                                : absl::StrCat(check.name(), " (", Brief(check.output()), ")");
}

}  // namespace

CheckStates StatesOf(const dm::v1::HealthReport& report) {
  CheckStates states;
  for (const dm::v1::CheckStatus& c : report.checks()) states[c.name()] = c.state();
  return states;
}

absl::Duration SettleWindow(const dm::v1::HealthReport& report, absl::Duration configured) {
  if (configured > absl::ZeroDuration()) return configured;
  absl::Duration window = kMinimumWindow;
  // The agent runs every check at once when its converge ends, then on the check's beat: `fall`
  // results in a row take fall - 1 intervals, the last one up to its timeout.
  for (const dm::v1::CheckStatus& c : report.checks()) {
    const uint32_t streak = std::max({c.fall(), c.rise(), 1u});
    window = std::max(window, (streak - 1) * absl::Milliseconds(c.interval_ms()) +
                                  absl::Milliseconds(c.timeout_ms()) + absl::Seconds(1));
  }
  return window;
}

std::string FailingChecks(const dm::v1::HealthReport& report) {
  std::vector<std::string> failing;
  for (const dm::v1::CheckStatus& c : report.checks()) {
    if (Failing(c)) failing.push_back(Describe(c));
  }
  return absl::StrJoin(failing, "; ");
}

bool NoneFailing(const FleetEnv& env, const std::vector<std::string>& hosts) {
  for (const std::string& host : hosts) {
    dm::v1::HostHealth health = env.world->ChecksOf(host).health;
    if (health == dm::v1::HOST_UNHEALTHY || health == dm::v1::HOST_LOST) return false;
  }
  return true;
}

absl::Status AwaitHealthyChecks(const FleetEnv& env, const GateRequest& request,
                                const FleetEventFn& emit) {
  auto fail = [&](const std::string& host, const std::string& why) {
    emit(FleetEventOf(host, "health", dm::v1::STEP_FAILED, why));
    return absl::UnavailableError(absl::StrCat(host, ": ", why));
  };
  HostChecks now = env.world->ChecksOf(request.host);
  if (now.health != dm::v1::HOST_LOST && now.report.checks_size() == 0) {
    emit(FleetEventOf(request.host, "health", dm::v1::STEP_OK,
                      "its role declares no health checks"));
    return absl::OkStatus();
  }
  const CheckStates before = StatesOf(now.report);
  const absl::Duration window = SettleWindow(now.report, request.settle);
  emit(FleetEventOf(request.host, "health", dm::v1::STEP_RUNNING,
                    absl::StrCat("its checks must pass for ", absl::FormatDuration(window))));
  // Checks that have not reported by the end of the window get one more.
  const absl::Time deadline = request.converged + window;
  const absl::Time last_chance = deadline + window;
  for (;; env.clock->SleepFor(kPoll)) {
    now = env.world->ChecksOf(request.host);
    if (now.health == dm::v1::HOST_LOST) return fail(request.host, "its agent is lost");
    std::vector<std::string> fresh;
    for (const dm::v1::CheckStatus& c : now.report.checks()) {
      auto was = before.find(c.name());
      bool passed_before = was != before.end() && was->second == dm::v1::CHECK_PASSING;
      if (Failing(c) && passed_before) fresh.push_back(Describe(c));
    }
    if (!fresh.empty())
      return fail(request.host, absl::StrCat("fails ", absl::StrJoin(fresh, "; ")));
    for (const std::string& earlier : request.earlier) {
      HostChecks other = env.world->ChecksOf(earlier);
      if (other.health == dm::v1::HOST_UNHEALTHY) {
        return fail(earlier,
                    absl::StrCat("moved earlier, now fails ", FailingChecks(other.report)));
      }
    }
    const absl::Time at = env.clock->Now();
    if (at < deadline) continue;
    if (now.health == dm::v1::HOST_UNHEALTHY) {
      return fail(request.host, absl::StrCat("still fails ", FailingChecks(now.report), " after ",
                                             absl::FormatDuration(window)));
    }
    if (now.health != dm::v1::HOST_UNKNOWN) break;
    if (at >= last_chance) {
      return fail(request.host,
                  absl::StrCat("its checks did not report within ",
                               absl::FormatDuration(last_chance - request.converged)));
    }
  }
  emit(FleetEventOf(
      request.host, "health", dm::v1::STEP_OK,
      absl::StrCat(
          now.report.checks_size(), " checks passed for ", absl::FormatDuration(window),
          now.health == dm::v1::HOST_DEGRADED ? " (degraded: a non-critical check fails)" : "")));
  return absl::OkStatus();
}

}  // namespace dm
