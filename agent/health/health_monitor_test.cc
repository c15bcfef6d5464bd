// The monitor's schedule, state changes, reports and what it keeps across a restart, with a fake
// clock and a fake prober (no thread is started: RunDue is the thread's body).
#include "agent/health/health_monitor.h"

#include <gtest/gtest.h>

#include "common/files.h"
#include "common/temp_dir.h"

namespace dm::health {
namespace {

// Answers each check by name as told; counts runs.
class FakeProber : public Prober {
 public:
  explicit FakeProber(std::map<std::string, bool>* answers, std::map<std::string, int>* runs)
      : answers_(answers), runs_(runs) {}
  ProbeResult Run(const CheckSpec& check) override {
    ++(*runs_)[check.name];
    bool passed = (*answers_)[check.name];
    return {passed, passed ? "fine" : check.name + " is down"};
  }

 private:
  std::map<std::string, bool>* answers_;
  std::map<std::string, int>* runs_;
};

CheckSpec Check(const std::string& name, absl::Duration interval = absl::Seconds(5)) {
  CheckSpec spec;
  spec.name = name;
  spec.kind = CheckKind::kTcp;
  spec.target = "127.0.0.1:1";
  spec.interval = interval;
  spec.timeout = absl::Seconds(1);
  return spec;
}

class HealthMonitorTest : public ::testing::Test {
 protected:
  std::unique_ptr<HealthMonitor> Monitor() {
    return std::make_unique<HealthMonitor>(
        dir_.path(), std::make_unique<FakeProber>(&answers_, &runs_), &clock_,
        [this](const std::vector<CheckStatus>& all) { reports_.push_back(all); });
  }

  TempDir dir_{"dm-health-monitor"};
  FakeClock clock_;
  std::map<std::string, bool> answers_;
  std::map<std::string, int> runs_;
  std::vector<std::vector<CheckStatus>> reports_;
};

TEST_F(HealthMonitorTest, ChecksRunOnTheirOwnIntervals) {
  auto monitor = Monitor();
  answers_ = {{"fast", true}, {"slow", true}};
  ASSERT_TRUE(monitor->SetChecks({Check("fast", absl::Seconds(1)), Check("slow")}).ok());
  absl::Time start = clock_.Now();
  for (int i = 0; i < 10; ++i) {
    absl::Time next = monitor->RunDue();
    clock_.Set(next);
  }
  // 10 rounds at 0..9 s ("fast" every second, "slow" at 0 and 5); the clock is at the 11th.
  EXPECT_EQ(clock_.Now() - start, absl::Seconds(10));
  EXPECT_EQ(runs_["fast"], 10);
  EXPECT_EQ(runs_["slow"], 2);
}

TEST_F(HealthMonitorTest, ReportsOnlyWhenAStateChanges) {
  auto monitor = Monitor();
  answers_ = {{"web", true}};
  ASSERT_TRUE(monitor->SetChecks({Check("web")}).ok());
  monitor->RunDue();
  ASSERT_EQ(reports_.size(), 1u);  // unknown -> passing
  EXPECT_EQ(reports_[0][0].state, CheckState::kPassing);
  uint64_t passing_digest = monitor->Digest();

  clock_.Advance(absl::Seconds(5));
  monitor->RunDue();
  EXPECT_EQ(reports_.size(), 1u);  // still passing: nothing to say

  answers_["web"] = false;
  clock_.Advance(absl::Seconds(5));
  monitor->RunDue();
  EXPECT_EQ(reports_.size(), 1u);  // one failure of fall 2
  clock_.Advance(absl::Seconds(5));
  monitor->RunDue();
  ASSERT_EQ(reports_.size(), 2u);
  EXPECT_EQ(reports_[1][0].state, CheckState::kFailing);
  EXPECT_EQ(reports_[1][0].output, "web is down");
  EXPECT_NE(monitor->Digest(), passing_digest);
}

TEST_F(HealthMonitorTest, AResultAgainstTheStateIsConfirmedASecondLater) {
  auto monitor = Monitor();
  answers_ = {{"web", true}};
  ASSERT_TRUE(monitor->SetChecks({Check("web")}).ok());
  monitor->RunDue();
  clock_.Advance(absl::Seconds(5));
  answers_["web"] = false;
  const absl::Time failed = clock_.Now();
  EXPECT_EQ(monitor->RunDue(), failed + absl::Seconds(1)) << "not at the next beat (5 s)";
  clock_.Set(failed + absl::Seconds(1));
  monitor->RunDue();
  ASSERT_EQ(reports_.size(), 2u);
  EXPECT_EQ(reports_[1][0].state, CheckState::kFailing);
  // Failing and failing again: an interval after the confirmation.
  EXPECT_EQ(monitor->RunDue(), failed + absl::Seconds(6));
  // A fresh check that fails keeps its beat: the service its converge started may be slow.
  ASSERT_TRUE(monitor->SetChecks({Check("web"), Check("new")}).ok());
  answers_["new"] = false;
  const absl::Time set = clock_.Now();
  monitor->RunDue();
  EXPECT_EQ(monitor->RunDue(), set + absl::Seconds(5));
}

TEST_F(HealthMonitorTest, NewChecksKeepTheStateOfUnchangedOnes) {
  auto monitor = Monitor();
  answers_ = {{"a", false}, {"b", true}};
  ASSERT_TRUE(monitor->SetChecks({Check("a"), Check("b")}).ok());
  monitor->RunDue();
  clock_.Advance(absl::Seconds(5));
  monitor->RunDue();  // "a" fails its second time (fall 2)
  ASSERT_EQ(monitor->Snapshot()[0].state, CheckState::kFailing);
  absl::Time failing_since = monitor->Snapshot()[0].since;
  clock_.Advance(absl::Seconds(1));

  CheckSpec b = Check("b");
  b.fall = 5;  // changed: starts over
  ASSERT_TRUE(monitor->SetChecks({Check("a"), b}).ok());
  std::vector<CheckStatus> now = monitor->Snapshot();
  ASSERT_EQ(now.size(), 2u);
  EXPECT_EQ(now[0].state, CheckState::kFailing);
  EXPECT_EQ(now[0].since, failing_since);
  EXPECT_EQ(now[1].state, CheckState::kUnknown);
  // Both run at once, off their beat: a converge just finished and results should be fresh.
  monitor->RunDue();
  EXPECT_EQ(runs_["a"], 3);
  EXPECT_EQ(runs_["b"], 3);
  EXPECT_EQ(monitor->Snapshot()[1].state, CheckState::kPassing);
}

TEST_F(HealthMonitorTest, ARestartedAgentGoesOnWithTheChecksItKept) {
  {
    auto monitor = Monitor();
    ASSERT_TRUE(monitor->SetChecks({Check("kept")}).ok());
  }
  auto monitor = Monitor();
  ASSERT_TRUE(monitor->Start().ok());  // starts the thread, which runs the check at once
  for (int i = 0; i < 400 && monitor->Snapshot()[0].state == CheckState::kUnknown; ++i)
    absl::SleepFor(absl::Milliseconds(5));
  monitor->Stop();
  EXPECT_EQ(monitor->Snapshot().size(), 1u);
  EXPECT_EQ(runs_["kept"], 1);
}

TEST_F(HealthMonitorTest, ADamagedFileIsReportedAndLeavesNoChecks) {
  ASSERT_TRUE(MakeDirectories(dir_.Path("health"), 0700).ok());
  ASSERT_TRUE(WriteFileAtomic(dir_.Path("health/checks.json"), "[{\"nam", 0600).ok());
  auto monitor = Monitor();
  absl::Status s = monitor->Start();
  EXPECT_TRUE(absl::IsDataLoss(s)) << s;
  EXPECT_NE(s.message().find("checks.json"), absl::string_view::npos);
  EXPECT_TRUE(monitor->Snapshot().empty());
}

}  // namespace
}  // namespace dm::health
