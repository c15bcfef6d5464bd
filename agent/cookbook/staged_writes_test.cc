#include "agent/cookbook/staged_writes.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <iterator>

#include "absl/strings/str_cat.h"
#include "common/files.h"
#include "common/temp_dir.h"

namespace dm::cookbook {
namespace {

// A process id that was in use and is not any more.
pid_t GonePid() {
  pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  ::waitpid(child, nullptr, 0);
  return child;
}

TEST(StagedWritesTest, CommitPutsEveryFileInPlaceAndAbandonLeavesThemAsTheyWere) {
  TempDir dir("dm-staged");
  ASSERT_TRUE(WriteFileAtomic(dir.path() + "/kept", "old", 0644).ok());
  {
    StagedWrites abandoned;
    ASSERT_TRUE(abandoned.Stage(dir.path() + "/kept", "new", 0644, -1, -1).ok());
  }
  EXPECT_EQ(*ReadFile(dir.path() + "/kept"), "old");
  StagedWrites writes;
  ASSERT_TRUE(writes.Stage(dir.path() + "/kept", "new", 0644, -1, -1).ok());
  ASSERT_TRUE(writes.Stage(dir.path() + "/added", "added", 0600, -1, -1).ok());
  EXPECT_TRUE(writes.Commit().empty());
  EXPECT_EQ(*ReadFile(dir.path() + "/kept"), "new");
  EXPECT_EQ(*ReadFile(dir.path() + "/added"), "added");
  auto entries = std::filesystem::directory_iterator(dir.path());
  EXPECT_EQ(std::distance(begin(entries), end(entries)), 2) << "no temporary file is left";
}

TEST(StagedWritesTest, HalfWrittenFilesOfAKilledAgentAreRemovedByTheNextWrite) {
  TempDir dir("dm-staged");
  // What an agent killed mid-write leaves: its temporary file, named after its process.
  const std::string leftover = absl::StrCat(dir.path(), "/.site.conf.dm-new.", GonePid());
  ASSERT_TRUE(WriteFileAtomic(leftover, "half of the", 0600).ok());
  // One of a process still running (`dm-agent apply` beside the service) is left alone.
  const std::string in_flight = absl::StrCat(dir.path(), "/.other.dm-new.", ::getppid());
  ASSERT_TRUE(WriteFileAtomic(in_flight, "being written", 0600).ok());
  const std::string lookalike = dir.path() + "/.notes.dm-new.draft";
  ASSERT_TRUE(WriteFileAtomic(lookalike, "mine", 0600).ok());

  StagedWrites writes;
  ASSERT_TRUE(writes.Stage(dir.path() + "/site.conf", "whole", 0644, -1, -1).ok());
  EXPECT_TRUE(writes.Commit().empty());
  EXPECT_FALSE(PathExists(leftover));
  EXPECT_TRUE(PathExists(in_flight));
  EXPECT_TRUE(PathExists(lookalike));
  EXPECT_EQ(*ReadFile(dir.path() + "/site.conf"), "whole");
}

}  // namespace
}  // namespace dm::cookbook
