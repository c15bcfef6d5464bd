#include "agent/health/health_monitor.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/files.h"

namespace dm::health {
namespace {

constexpr absl::Duration kConfirmAfter = absl::Seconds(1);

// Two definitions are the same check when their JSON is the same.
bool SameSpec(const CheckSpec& a, const CheckSpec& b) {
  return ChecksToJson({a}) == ChecksToJson({b});
}

}  // namespace

uint64_t DigestOf(const std::vector<CheckStatus>& statuses) {
  uint64_t hash = 1469598103934665603ull;
  auto mix = [&hash](const std::string& text) {
    for (unsigned char c : text) {
      hash ^= c;
      hash *= 1099511628211ull;
    }
    hash ^= 0xff;  // a separator no text contains
    hash *= 1099511628211ull;
  };
  for (const CheckStatus& s : statuses) {
    mix(s.spec.name);
    mix(CheckStateWord(s.state));
  }
  return hash;
}

HealthMonitor::HealthMonitor(std::string state_dir, std::unique_ptr<Prober> prober, Clock* clock,
                             ChangeFn on_change)
    : state_dir_(std::move(state_dir)),
      prober_(std::move(prober)),
      clock_(clock),
      on_change_(std::move(on_change)) {}

HealthMonitor::~HealthMonitor() { Stop(); }

std::string HealthMonitor::ChecksPath() const { return state_dir_ + "/health/checks.json"; }

absl::Status HealthMonitor::Start() {
  absl::Status loaded = absl::OkStatus();
  absl::StatusOr<std::string> text = ReadFile(ChecksPath());
  if (text.ok()) {
    absl::StatusOr<std::vector<CheckSpec>> checks = ChecksFromJson(*text);
    if (checks.ok()) {
      std::lock_guard<std::mutex> lock(mu_);
      for (CheckSpec& spec : *checks) {
        std::string name = spec.name;
        checks_.emplace(name, Entry{CheckTracker(std::move(spec)), clock_->Now()});
      }
    } else {
      loaded = absl::DataLossError(absl::StrCat(ChecksPath(), ": ", checks.status().message()));
    }
  } else if (!absl::IsNotFound(text.status())) {
    loaded = text.status();
  }
  thread_ = std::thread([this] { Loop(); });
  return loaded;
}

void HealthMonitor::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

absl::Status HealthMonitor::SetChecks(std::vector<CheckSpec> checks) {
  if (absl::Status s = MakeDirectories(state_dir_ + "/health", 0700); !s.ok()) return s;
  if (absl::Status s = WriteFileAtomic(ChecksPath(), ChecksToJson(checks), 0600); !s.ok()) return s;
  {
    std::lock_guard<std::mutex> lock(mu_);
    std::map<std::string, Entry> next;
    for (CheckSpec& spec : checks) {
      std::string name = spec.name;
      auto old = checks_.find(name);
      if (old != checks_.end() && SameSpec(old->second.tracker.spec(), spec)) {
        // Kept, and run at once: the converge may have changed what it checks (a deploy
        // restarted the app), and a deploy waits for fresh results.
        old->second.next_run = clock_->Now();
        next.emplace(name, std::move(old->second));
      } else {
        next.emplace(name, Entry{CheckTracker(std::move(spec)), clock_->Now()});
      }
    }
    checks_ = std::move(next);
    ++generation_;
  }
  wake_.notify_all();
  return absl::OkStatus();
}

std::vector<CheckStatus> HealthMonitor::Snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<CheckStatus> out;
  for (const auto& [name, entry] : checks_) out.push_back(entry.tracker.status());
  return out;
}

uint64_t HealthMonitor::Digest() const { return DigestOf(Snapshot()); }

absl::Time HealthMonitor::RunDue() {
  absl::Time now = clock_->Now();
  std::vector<CheckSpec> due;
  uint64_t generation = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    generation = generation_;
    for (auto& [name, entry] : checks_) {
      if (entry.next_run > now) continue;
      due.push_back(entry.tracker.spec());
      // On the check's own beat; after a stall (a slow probe), from now, without a burst.
      entry.next_run += entry.tracker.spec().interval;
      if (entry.next_run <= now) entry.next_run = now + entry.tracker.spec().interval;
    }
  }

  bool changed = false;
  for (const CheckSpec& spec : due) {
    ProbeResult result = prober_->Run(spec);
    std::lock_guard<std::mutex> lock(mu_);
    if (generation != generation_) break;  // the checks were replaced meanwhile
    auto entry = checks_.find(spec.name);
    if (entry == checks_.end()) continue;
    CheckTracker& tracker = entry->second.tracker;
    changed |= tracker.Record(result.passed, std::move(result.output), clock_->Now());
    // A result against the state is confirmed (or not) a second later, not an interval later:
    // a stopped service is known within about an interval instead of `fall` of them.
    if (tracker.Changing()) {
      entry->second.next_run = std::min(entry->second.next_run, clock_->Now() + kConfirmAfter);
    }
  }
  if (changed && on_change_) on_change_(Snapshot());

  std::lock_guard<std::mutex> lock(mu_);
  absl::Time next = absl::InfiniteFuture();
  for (const auto& [name, entry] : checks_) next = std::min(next, entry.next_run);
  return next;
}

void HealthMonitor::Loop() {
  for (;;) {
    absl::Time next = RunDue();
    std::unique_lock<std::mutex> lock(mu_);
    uint64_t generation = generation_;
    auto woken = [&] { return stopping_ || generation_ != generation; };
    if (next == absl::InfiniteFuture()) {
      wake_.wait(lock, woken);
    } else {
      absl::Duration wait = next - clock_->Now();
      if (wait > absl::ZeroDuration()) wake_.wait_for(lock, absl::ToChronoNanoseconds(wait), woken);
    }
    if (stopping_) return;
  }
}

}  // namespace dm::health
