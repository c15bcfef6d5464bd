// Backups against the in-memory world and a real local backup directory: taken, listed,
// restored under maintenance, and a fleet rebuilt from nothing with its data.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "controller/fleet/testing/fleet_test_fixture.h"
#include "controller/providers/storage/local_directory_store.h"

namespace dm::testing {
namespace {

using ::testing::HasSubstr;

class BackupsTest : public FleetTest {
 protected:
  void SetUp() override {
    ASSERT_TRUE(Up(Shop()).ok());
    world_.SetRows("shop-dbserver-1", {{"entries", 5}});
  }
  dm::v1::FleetRequest Shop() {
    return File("shop", "  dbserver: 1\n  appnode: 1\n  loadbalancer: 1\n");
  }
  absl::Status Restore(const std::string& backup, EventLog* log) {
    dm::v1::RestoreRequest request;
    *request.mutable_fleet() = ByName("shop");
    request.set_backup(backup);
    return fleets_->Restore(request, log->sink());
  }
};

TEST_F(BackupsTest, ABackupRestoresEveryRowUnderMaintenance) {
  EventLog taken;
  ASSERT_TRUE(fleets_->Backup(ByName("shop"), taken.sink()).ok()) << taken.Text();
  absl::StatusOr<std::vector<dm::v1::Backup>> listed = fleets_->ListBackups(ByName("shop"));
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].rows(), "entries=5");
  EXPECT_EQ((*listed)[0].commit(), Record("shop").commit);

  world_.SetRows("shop-dbserver-1", {{"entries", 9}});
  EventLog restored;
  ASSERT_TRUE(Restore("latest", &restored).ok()) << restored.Text();
  EXPECT_EQ(world_.RowsOn("shop-dbserver-1"), (RowCounts{{"entries", 5}}));
  // The load balancer showed the maintenance page while the database was replaced, and serves
  // the site again.
  bool paged = false;
  for (const nlohmann::json& a : world_.ConvergeHistory("shop-loadbalancer-1")) {
    paged = paged || a["nginx"]["maintenance"] == true;
  }
  EXPECT_TRUE(paged);
  EXPECT_FALSE(world_.MaintenancePageOn("shop-loadbalancer-1"));
  EXPECT_FALSE(Record("shop").maintenance);
}

TEST_F(BackupsTest, AFleetRebuiltFromNothingGetsItsDataBack) {
  EventLog taken;
  ASSERT_TRUE(fleets_->Backup(ByName("shop"), taken.sink()).ok()) << taken.Text();
  EventLog down;
  ASSERT_TRUE(fleets_->Down(ByName("shop"), down.sink()).ok()) << down.Text();
  EXPECT_TRUE(world_.ServerNames().empty());
  dm::v1::FleetRequest rebuild = Shop();
  rebuild.set_restore("latest");
  EventLog up;
  ASSERT_TRUE(Up(rebuild, &up).ok()) << up.Text();
  EXPECT_EQ(world_.RowsOn("shop-dbserver-1"), (RowCounts{{"entries", 5}}));
  EXPECT_TRUE(up.Has("shop-dbserver-1", "restore", dm::v1::STEP_CHANGED)) << up.Text();
}

TEST_F(BackupsTest, AMissingBackupIsNamedWithItsStore) {
  EventLog log;
  absl::Status restored = Restore("shop/20990101t000000.000z", &log);
  EXPECT_EQ(restored.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(restored.message()),
              HasSubstr("no backup 'shop/20990101t000000.000z' in "));
  EXPECT_EQ(world_.RowsOn("shop-dbserver-1"), (RowCounts{{"entries", 5}}));
}

TEST_F(BackupsTest, ADatabaseHostThatIsNotUpIsNamed) {
  world_.SetAgentConnected("shop-dbserver-1", false);
  EventLog log;
  absl::Status taken = fleets_->Backup(ByName("shop"), log.sink());
  EXPECT_EQ(taken.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(taken.message()), HasSubstr("shop-dbserver-1 is not up"));
}

// A fleet whose uploads live in a media store apart from the backup store.
class MediaBackupsTest : public FleetTest {
 protected:
  void SetUp() override {
    StoreSettings settings;
    settings.type = "s3";
    media_ = new LocalDirectoryStore(media_dir_.path());
    storage_.Add("media", settings, std::unique_ptr<ObjectStore>(media_));
    ASSERT_TRUE(Up(Shop()).ok());
    world_.SetRows("shop-dbserver-1", {{"entries", 5}});
  }
  dm::v1::FleetRequest Shop() {
    return File("shop", "  dbserver: 1\n  appnode: 1\n", "main", "media: {store: media}\n");
  }
  absl::Status Backup(EventLog* log) { return fleets_->Backup(ByName("shop"), log->sink()); }

  TempDir media_dir_;
  LocalDirectoryStore* media_ = nullptr;  // owned by storage_
};

TEST_F(MediaBackupsTest, ABackupCopiesEachUploadOnceAndARebuiltFleetGetsThemBack) {
  ASSERT_TRUE(media_->Put("shop/media/uploads/a_X1.txt", "first").ok());
  ASSERT_TRUE(media_->Put("other/media/uploads/theirs.txt", "not ours").ok());
  EventLog first;
  ASSERT_TRUE(Backup(&first).ok()) << first.Text();
  EXPECT_EQ(backups_->Get("_media/shop/uploads/a_X1.txt").value_or(""), "first");
  EXPECT_FALSE(backups_->Get("_media/other/uploads/theirs.txt").ok()) << "another fleet's";
  // A second backup copies only what is new; its listing names both.
  // (Marked, at the same size: a copy that is there is not taken again.)
  ASSERT_TRUE(backups_->Put("_media/shop/uploads/a_X1.txt", "FIRST").ok());
  ASSERT_TRUE(media_->Put("shop/media/uploads/b.txt", "second").ok());
  clock_.Advance(absl::Seconds(1));
  EventLog second;
  ASSERT_TRUE(Backup(&second).ok()) << second.Text();
  EXPECT_TRUE(second.Has("", "backup", dm::v1::STEP_CHANGED)) << second.Text();
  EXPECT_THAT(second.Text(), HasSubstr("2 media objects, 11 bytes (1 copied now)"));
  EXPECT_EQ(backups_->Get("_media/shop/uploads/b.txt").value_or(""), "second");

  // Everything goes, the uploads too; the rebuilt fleet has its rows and its files.
  EventLog down;
  ASSERT_TRUE(fleets_->Down(ByName("shop"), down.sink()).ok()) << down.Text();
  ASSERT_TRUE(media_->Delete("shop/media/uploads/a_X1.txt").ok());
  ASSERT_TRUE(media_->Delete("shop/media/uploads/b.txt").ok());
  dm::v1::FleetRequest rebuild = Shop();
  rebuild.set_restore("latest");
  EventLog up;
  ASSERT_TRUE(Up(rebuild, &up).ok()) << up.Text();
  EXPECT_EQ(world_.RowsOn("shop-dbserver-1"), (RowCounts{{"entries", 5}}));
  EXPECT_EQ(media_->Get("shop/media/uploads/a_X1.txt").value_or(""), "FIRST");
  EXPECT_EQ(media_->Get("shop/media/uploads/b.txt").value_or(""), "second");
  EXPECT_THAT(up.Text(), HasSubstr("2 brought back"));
}

TEST_F(MediaBackupsTest, CopiesNoBackupListsAnyMoreArePrunedWithIt) {
  ASSERT_TRUE(Up(File("shop", "  dbserver: 1\n  appnode: 1\n", "main",
                      "media: {store: media}\nbackups: {every: 24h, keep: 1}\n"))
                  .ok());
  ASSERT_TRUE(media_->Put("shop/media/uploads/gone.txt", "deleted by its user").ok());
  ASSERT_TRUE(media_->Put("shop/media/uploads/kept.txt", "still there").ok());
  EventLog first;
  ASSERT_TRUE(Backup(&first).ok()) << first.Text();
  ASSERT_TRUE(media_->Delete("shop/media/uploads/gone.txt").ok());
  clock_.Advance(absl::Seconds(1));
  EventLog second;
  ASSERT_TRUE(Backup(&second).ok()) << second.Text();
  absl::StatusOr<std::vector<dm::v1::Backup>> listed = fleets_->ListBackups(ByName("shop"));
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->size(), 1u) << "keep: 1";
  EXPECT_TRUE(absl::IsNotFound(backups_->Get("_media/shop/uploads/gone.txt").status()))
      << "no backup left lists it";
  EXPECT_EQ(backups_->Get("_media/shop/uploads/kept.txt").value_or(""), "still there");
}

TEST_F(MediaBackupsTest, UploadsWithoutACopyAreNamedAsLost) {
  ASSERT_TRUE(media_->Put("shop/media/uploads/a.txt", "first").ok());
  EventLog taken;
  ASSERT_TRUE(Backup(&taken).ok()) << taken.Text();
  ASSERT_TRUE(media_->Delete("shop/media/uploads/a.txt").ok());
  ASSERT_TRUE(backups_->Delete("_media/shop/uploads/a.txt").ok());
  dm::v1::RestoreRequest request;
  *request.mutable_fleet() = ByName("shop");
  request.set_backup("latest");
  EventLog log;
  absl::Status restored = fleets_->Restore(request, log.sink());
  EXPECT_EQ(restored.code(), absl::StatusCode::kDataLoss) << restored;
  EXPECT_THAT(std::string(restored.message()), HasSubstr("the database is restored from shop/"));
  EXPECT_THAT(std::string(restored.message()), HasSubstr("1 of the backup's 1 media objects"));
}

}  // namespace
}  // namespace dm::testing
