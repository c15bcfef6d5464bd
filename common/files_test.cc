#include "common/files.h"
#include "common/temp_dir.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>

namespace dm {
namespace {

class FilesTest : public ::testing::Test {
 protected:
  TempDir temp_{"dm-files-test"};
  const std::string dir_ = temp_.path();
};

TEST_F(FilesTest, WriteAtomicCreatesWithExactModeDespiteUmask) {
  std::string path = dir_ + "/key.pem";
  mode_t old = umask(0);
  ASSERT_TRUE(WriteFileAtomic(path, "secret", 0600).ok());
  umask(old);
  struct stat st;
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(*ReadFile(path), "secret");
}

TEST_F(FilesTest, WriteAtomicReplacesAndLeavesNoTemporaryFiles) {
  std::string path = dir_ + "/state";
  ASSERT_TRUE(WriteFileAtomic(path, "one", 0644).ok());
  ASSERT_TRUE(WriteFileAtomic(path, "two", 0644).ok());
  EXPECT_EQ(*ReadFile(path), "two");
  int entries = 0;
  for (auto& e : std::filesystem::directory_iterator(dir_)) {
    (void)e;
    ++entries;
  }
  EXPECT_EQ(entries, 1);
}

TEST_F(FilesTest, ReadMissingFileIsNotFoundAndNamesThePath) {
  auto content = ReadFile(dir_ + "/missing");
  ASSERT_FALSE(content.ok());
  EXPECT_EQ(content.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(content.status().message().find("missing"), std::string::npos);
}

TEST_F(FilesTest, MakeDirectoriesTightensAnExistingDirectory) {
  std::string path = dir_ + "/a/b";
  ASSERT_TRUE(MakeDirectories(path, 0755).ok());
  ASSERT_TRUE(MakeDirectories(path, 0700).ok());
  struct stat st;
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
}

TEST(PathTextTest, DirnameAndBasenameAsTheCommandsSayThem) {
  EXPECT_EQ(Dirname("/etc/nginx/nginx.conf"), "/etc/nginx");
  EXPECT_EQ(Basename("/etc/nginx/nginx.conf"), "nginx.conf");
  EXPECT_EQ(Dirname("/motd"), "/");
  EXPECT_EQ(Dirname("fleet.yaml"), ".");
  EXPECT_EQ(Basename("fleet.yaml"), "fleet.yaml");
  EXPECT_EQ(Dirname("deploy/examples/local.yaml"), "deploy/examples");
}

}  // namespace
}  // namespace dm
