#include "common/dmctl_config.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "common/files.h"
#include "common/temp_dir.h"

namespace dm {
namespace {

class DmctlConfigTest : public ::testing::Test {
 protected:
  void SetUp() override { path_ = dir_ + "/dmctl.yaml"; }
  absl::Status LoadText(const std::string& text) {
    EXPECT_TRUE(WriteFileAtomic(path_, text, 0600).ok());
    return DmctlConfig::Load(path_).status();
  }
  TempDir temp_{"dm-config-test"};
  const std::string dir_ = temp_.path();
  std::string path_;
};

TEST_F(DmctlConfigTest, WriteThenLoadRoundTripsWithPrivateMode) {
  DmctlConfig config{"127.0.0.1:7443", "/d/ca.crt", "/d/admin.crt", "/d/admin.key"};
  ASSERT_TRUE(config.Write(path_).ok());
  struct stat st;
  ASSERT_EQ(stat(path_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto loaded = DmctlConfig::Load(path_);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->controller, "127.0.0.1:7443");
  EXPECT_EQ(loaded->key, "/d/admin.key");
}

TEST_F(DmctlConfigTest, RelativePathsAreTakenFromTheFilesDirectory) {
  ASSERT_TRUE(LoadText("controller: h:1\nca: ca.crt\ncert: sub/a.crt\nkey: /abs/a.key\n").ok());
  auto loaded = DmctlConfig::Load(path_);
  EXPECT_EQ(loaded->ca, dir_ + "/ca.crt");
  EXPECT_EQ(loaded->cert, dir_ + "/sub/a.crt");
  EXPECT_EQ(loaded->key, "/abs/a.key");
}

TEST_F(DmctlConfigTest, ErrorsNameFileLineAndField) {
  absl::Status unknown = LoadText("controller: h:1\nca: a\ncert: b\nkye: c\n");
  EXPECT_NE(unknown.message().find(path_ + ":4:1: unknown field 'kye'"), std::string::npos)
      << unknown;

  absl::Status missing = LoadText("controller: h:1\nca: a\ncert: b\n");
  EXPECT_NE(missing.message().find("field 'key' is required"), std::string::npos) << missing;

  absl::Status bad_address = LoadText("controller: nohost\nca: a\ncert: b\nkey: c\n");
  EXPECT_NE(bad_address.message().find(path_ + ":1:13: field 'controller'"), std::string::npos)
      << bad_address;

  absl::Status map_value = LoadText("controller: {host: h}\nca: [a]\ncert: b\nkey: c\n");
  EXPECT_NE(map_value.message().find(
                path_ + ":1:13: field 'controller': must be a single value, not a map"),
            std::string::npos)
      << map_value;
  EXPECT_NE(
      map_value.message().find(path_ + ":2:5: field 'ca': must be a single value, not a list"),
      std::string::npos)
      << map_value;

  absl::Status syntax = LoadText("controller: [unclosed\n");
  EXPECT_NE(syntax.message().find(path_ + ":"), std::string::npos) << syntax;

  EXPECT_EQ(DmctlConfig::Load(dir_ + "/none.yaml").status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace dm
