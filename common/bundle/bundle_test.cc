#include "common/bundle/bundle.h"

#include <unistd.h>

#include <filesystem>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/files.h"
#include "common/temp_dir.h"

namespace dm {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class BundleTest : public ::testing::Test {
 protected:
  void Write(const std::string& relative, const std::string& content) {
    std::filesystem::create_directories(std::filesystem::path(dir_.Path(relative)).parent_path());
    ASSERT_TRUE(WriteFileAtomic(dir_.Path(relative), content, 0644).ok());
  }
  TempDir dir_;
};

TEST_F(BundleTest, HoldsTheRegularFilesOfCookbooksAndRolesButNotHiddenOnes) {
  Write("deploy/cookbooks/site/recipe.yaml", "- service: nginx\n");
  Write("deploy/cookbooks/site/.recipe.yaml.swp", "editor state\n");
  Write("deploy/roles/web.yaml", "cookbooks: [site]\n");
  Write("deploy/README", "not sent\n");
  absl::StatusOr<std::shared_ptr<const Bundle>> bundle = BuildBundle(dir_.Path("deploy"));
  ASSERT_TRUE(bundle.ok()) << bundle.status();
  ASSERT_EQ((*bundle)->files.size(), 2u);
  EXPECT_EQ((*bundle)->files[0].path(), "cookbooks/site/recipe.yaml");
  EXPECT_EQ((*bundle)->files[1].path(), "roles/web.yaml");
  EXPECT_TRUE((*bundle)->HasRole("web"));
}

TEST_F(BundleTest, ASymbolicLinkIsRefusedByNameAndItsTargetIsNotRead) {
  Write("outside/secret", "TOPSECRET\n");
  Write("deploy/cookbooks/site/recipe.yaml", "- file: /etc/motd\n  source: motd\n");
  std::filesystem::create_directories(dir_.Path("deploy/cookbooks/site/files"));
  ASSERT_EQ(::symlink(dir_.Path("outside/secret").c_str(),
                      dir_.Path("deploy/cookbooks/site/files/motd").c_str()),
            0);
  absl::StatusOr<std::shared_ptr<const Bundle>> bundle = BuildBundle(dir_.Path("deploy"));
  ASSERT_FALSE(bundle.ok());
  EXPECT_EQ(bundle.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bundle.status().message()),
              HasSubstr("cookbooks/site/files/motd is a symbolic link"));
  EXPECT_THAT(std::string(bundle.status().message()), Not(HasSubstr("outside")));
}

}  // namespace
}  // namespace dm
