// A fleet file's local app repository: found beside the file, and refused with the file's line
// before anything is sent when it is not a git repository with a commit.
#include "dmctl/app_push.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>

#include "common/files.h"
#include "common/temp_dir.h"

namespace dm::dmctl {
namespace {

using ::testing::HasSubstr;

TEST(AppPushTest, ARepositoryThatIsNoGitRepositoryIsNamedWithItsLine) {
  TempDir dir{"dm-app-push-test"};
  const std::string file = dir.path() + "/shop.yaml";
  const std::string text = "name: shop\napp:\n  repository: ../site\n";
  LocalRepository repository = LocalAppRepository(file, text);
  EXPECT_EQ(repository.path, std::filesystem::path(dir.path()).parent_path().string() + "/site");
  EXPECT_EQ(repository.where, file + ":3:15");
  EXPECT_TRUE(
      LocalAppRepository(file, "app: {repository: 'https://git.example/a.git'}\n").path.empty())
      << "a URL is the controller's to fetch";

  absl::Status missing = CheckAppRepository(repository);
  EXPECT_EQ(missing.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(
      std::string(missing.message()),
      HasSubstr(file + ":3:15: fleet: app: repository: " + repository.path + " does not exist"));

  repository = LocalAppRepository(file, "app:\n  repository: site\n");
  ASSERT_TRUE(MakeDirectories(repository.path, 0755).ok());
  EXPECT_THAT(std::string(CheckAppRepository(repository).message()),
              HasSubstr("is not a git repository with a commit"));
  const std::string git = "git -C " + repository.path + " -c user.name=t -c user.email=t@t ";
  ASSERT_EQ(std::system((git + "init -q && " + git + "commit -q --allow-empty -m one").c_str()), 0);
  EXPECT_TRUE(CheckAppRepository(repository).ok());
}

}  // namespace
}  // namespace dm::dmctl
