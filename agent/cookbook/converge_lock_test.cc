// One converge at a time on a host: a second run waits, and says for whom; dry runs share.
#include "agent/cookbook/converge_lock.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/temp_dir.h"

namespace dm::cookbook {
namespace {

class ConvergeLockTest : public ::testing::Test {
 protected:
  // A folder that does not exist yet: the lock makes it.
  std::string state_dir() const { return temp_.path() + "/state"; }
  TempDir temp_{"dm-lock-test"};
};

TEST_F(ConvergeLockTest, ASecondRunWaitsForTheFirstAndNamesIt) {
  absl::StatusOr<ConvergeLock> first = ConvergeLock::Acquire(state_dir(), true, nullptr, nullptr);
  ASSERT_TRUE(first.ok()) << first.status();

  std::string told;
  absl::Notification waiting, acquired;
  std::thread second([&] {
    absl::StatusOr<ConvergeLock> lock =
        ConvergeLock::Acquire(state_dir(), true, nullptr, [&](const std::string& holder) {
          told = holder;
          waiting.Notify();
        });
    EXPECT_TRUE(lock.ok()) << lock.status();
    acquired.Notify();
  });
  ASSERT_TRUE(waiting.WaitForNotificationWithTimeout(absl::Seconds(10)));
  EXPECT_EQ(told, absl::StrCat("pid ", ::getpid()));
  EXPECT_FALSE(acquired.WaitForNotificationWithTimeout(absl::Milliseconds(300)))
      << "the second run went ahead while the first held the lock";
  { ConvergeLock released = *std::move(first); }
  EXPECT_TRUE(acquired.WaitForNotificationWithTimeout(absl::Seconds(10)));
  second.join();
}

TEST_F(ConvergeLockTest, AWaitEndsWhenTheRunIsCancelled) {
  absl::StatusOr<ConvergeLock> first = ConvergeLock::Acquire(state_dir(), true, nullptr, nullptr);
  ASSERT_TRUE(first.ok()) << first.status();
  std::atomic<bool> cancelled{false};
  absl::StatusOr<ConvergeLock> second = absl::UnknownError("not run");
  std::thread waiter([&] {
    second = ConvergeLock::Acquire(state_dir(), true, &cancelled,
                                   [&](const std::string&) { cancelled = true; });
  });
  waiter.join();
  EXPECT_EQ(second.status().code(), absl::StatusCode::kCancelled) << second.status();
}

TEST_F(ConvergeLockTest, DryRunsShareTheLockAndARealRunWaitsForThem) {
  absl::StatusOr<ConvergeLock> dry1 = ConvergeLock::Acquire(state_dir(), false, nullptr, nullptr);
  absl::StatusOr<ConvergeLock> dry2 = ConvergeLock::Acquire(
      state_dir(), false, nullptr,
      [](const std::string& holder) { ADD_FAILURE() << "waited for " << holder; });
  ASSERT_TRUE(dry1.ok()) << dry1.status();
  ASSERT_TRUE(dry2.ok()) << dry2.status();

  std::atomic<bool> cancelled{false};
  std::string told;
  absl::StatusOr<ConvergeLock> real =
      ConvergeLock::Acquire(state_dir(), true, &cancelled, [&](const std::string& holder) {
        told = holder;
        cancelled = true;
      });
  EXPECT_EQ(real.status().code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(told, "a dry run");
}

TEST_F(ConvergeLockTest, TheHoldersPidLeavesWithIt) {
  {
    absl::StatusOr<ConvergeLock> real = ConvergeLock::Acquire(state_dir(), true, nullptr, nullptr);
    ASSERT_TRUE(real.ok()) << real.status();
  }
  absl::StatusOr<ConvergeLock> dry = ConvergeLock::Acquire(state_dir(), false, nullptr, nullptr);
  ASSERT_TRUE(dry.ok());
  std::atomic<bool> cancelled{false};
  std::string told;
  (void)ConvergeLock::Acquire(state_dir(), true, &cancelled, [&](const std::string& holder) {
    told = holder;
    cancelled = true;
  });
  EXPECT_EQ(told, "a dry run") << "not the run that has ended";
}

}  // namespace
}  // namespace dm::cookbook
