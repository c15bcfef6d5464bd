#include "dmctl/context.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "common/temp_dir.h"

namespace dm::dmctl {
namespace {

class ConfigPathTest : public ::testing::Test {
 protected:
  void SetUp() override {
    old_home_ = std::getenv("HOME") ? std::getenv("HOME") : "";
    setenv("HOME", home_.c_str(), 1);
    unsetenv("DMCTL_CONFIG");
  }
  void TearDown() override {
    setenv("HOME", old_home_.c_str(), 1);
    unsetenv("DMCTL_CONFIG");
  }
  TempDir temp_{"dm-dmctl-test"};
  const std::string home_ = temp_.path();
  std::string old_home_;
};

TEST_F(ConfigPathTest, FlagThenEnvironmentThenHome) {
  std::filesystem::create_directories(home_ + "/.config/dm");
  std::ofstream(home_ + "/.config/dm/dmctl.yaml") << "x";
  EXPECT_EQ(*ResolveConfigPath(""), home_ + "/.config/dm/dmctl.yaml");
  setenv("DMCTL_CONFIG", "/from/env.yaml", 1);
  EXPECT_EQ(*ResolveConfigPath(""), "/from/env.yaml");
  EXPECT_EQ(*ResolveConfigPath("/from/flag.yaml"), "/from/flag.yaml");
}

TEST_F(ConfigPathTest, NothingFoundExplainsAllThreePlaces) {
  auto path = ResolveConfigPath("");
  ASSERT_FALSE(path.ok());
  EXPECT_NE(path.status().message().find("--config"), std::string::npos);
  EXPECT_NE(path.status().message().find("DMCTL_CONFIG"), std::string::npos);
  EXPECT_NE(path.status().message().find(".config/dm/dmctl.yaml"), std::string::npos);
}

TEST(ExitCodeTest, UnreachableIsThreeRefusalIsOne) {
  EXPECT_EQ(ExitCodeFor(absl::UnavailableError("x")), kUnreachable);
  EXPECT_EQ(ExitCodeFor(absl::NotFoundError("x")), kFailed);
  EXPECT_EQ(ExitCodeFor(absl::PermissionDeniedError("x")), kFailed);
  EXPECT_EQ(ExitCodeFor(absl::OkStatus()), kOk);
}

}  // namespace
}  // namespace dm::dmctl
