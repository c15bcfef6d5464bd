// The backup scheduler against the in-memory world: backups taken when due, the oldest let go
// beyond `keep`, and a busy fleet left for the next tick.
#include "controller/fleet/backup_scheduler.h"

#include <gtest/gtest.h>

#include "controller/fleet/testing/fleet_test_fixture.h"

namespace dm::testing {
namespace {

class BackupSchedulerTest : public FleetTest {
 protected:
  void SetUp() override {
    ASSERT_TRUE(Up(File("shop", "  dbserver: 1\n  appnode: 1\n  loadbalancer: 1\n", "main",
                        "backups: {every: 1h, keep: 2}\n"))
                    .ok());
    ASSERT_TRUE(Up(File("solo", "  dbappbalancer: 1\n")).ok());  // no schedule
  }
  size_t Backups(const std::string& fleet) {
    absl::StatusOr<std::vector<dm::v1::Backup>> listed = fleets_->ListBackups(ByName(fleet));
    EXPECT_TRUE(listed.ok()) << listed.status();
    return listed.ok() ? listed->size() : 0;
  }
  BackupScheduler scheduler_{env_, fleets_->locks()};
};

TEST_F(BackupSchedulerTest, BackupsAreTakenWhenDueAndTheOldestLetGo) {
  EXPECT_EQ(scheduler_.RunOnce(), 1) << "the first is due at once";
  EXPECT_EQ(scheduler_.RunOnce(), 0) << "the next only an hour later";
  for (int hour = 1; hour <= 3; ++hour) {
    clock_.Advance(absl::Hours(1) + absl::Seconds(1));
    EXPECT_EQ(scheduler_.RunOnce(), 1) << "hour " << hour;
  }
  EXPECT_EQ(Backups("shop"), 2u) << "keep: 2";
  EXPECT_EQ(Backups("solo"), 0u) << "a fleet without a schedule gets none";
}

TEST_F(BackupSchedulerTest, ABusyFleetWaitsForTheNextTick) {
  {
    absl::StatusOr<std::unique_ptr<FleetLocks::Claim>> busy = fleets_->locks()->Acquire("shop");
    ASSERT_TRUE(busy.ok());
    EXPECT_EQ(scheduler_.RunOnce(), 0);
  }
  EXPECT_EQ(scheduler_.RunOnce(), 1);
}

TEST_F(BackupSchedulerTest, AFailedBackupIsAuditedAndTriedAgain) {
  world_.SetAgentConnected("shop-dbserver-1", false);
  EXPECT_EQ(scheduler_.RunOnce(), 0);
  absl::StatusOr<std::vector<EventRecord>> events = store_->ListEvents(EventQuery{10});
  ASSERT_TRUE(events.ok());
  bool audited = false;
  for (const EventRecord& e : *events) audited = audited || e.kind == "fleet.backup.failed";
  EXPECT_TRUE(audited);
  world_.SetAgentConnected("shop-dbserver-1", true);
  EXPECT_EQ(scheduler_.RunOnce(), 1);
}

}  // namespace
}  // namespace dm::testing
