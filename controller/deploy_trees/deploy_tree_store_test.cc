// Deploy trees: only missing blobs are asked for, a blob must match its hash, a tree is built
// once from blobs and named by its files, and nothing outside cookbooks/ and roles/ gets in.
#include "controller/deploy_trees/deploy_tree_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/files.h"
#include "common/temp_dir.h"
#include "common/tls/digest.h"

namespace dm {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

dm::v1::BundleFile File(const std::string& path, const std::string& content) {
  dm::v1::BundleFile f;
  f.set_path(path);
  f.set_sha256(Sha256Hex(content));
  f.set_size(content.size());
  return f;
}

TEST(DeployTreeStoreTest, OnlyMissingBlobsAreAskedForAndATreeIsBuiltOnce) {
  TempDir dir;
  DeployTreeStore store(dir.path());
  const std::string role = "cookbooks: [nginx]\n", recipe = "- package: nginx\n";
  EXPECT_THAT(*store.Missing({Sha256Hex(role), Sha256Hex(recipe)}),
              ElementsAre(Sha256Hex(role), Sha256Hex(recipe)));
  ASSERT_TRUE(store.Put(Sha256Hex(role), role).ok());
  EXPECT_THAT(*store.Missing({Sha256Hex(role), Sha256Hex(recipe)}), ElementsAre(Sha256Hex(recipe)));
  EXPECT_TRUE(absl::IsInvalidArgument(store.Put(Sha256Hex(recipe), "something else")));

  std::vector<dm::v1::BundleFile> files = {File("roles/web.yaml", role),
                                           File("cookbooks/nginx/recipe.yaml", recipe)};
  absl::StatusOr<std::string> lacking = store.Build(files);
  EXPECT_TRUE(absl::IsFailedPrecondition(lacking.status())) << lacking.status();
  EXPECT_THAT(lacking.status().message(), HasSubstr("cookbooks/nginx/recipe.yaml"));
  ASSERT_TRUE(store.Put(Sha256Hex(recipe), recipe).ok());
  absl::StatusOr<std::string> tree = store.Build(files);
  ASSERT_TRUE(tree.ok()) << tree.status();
  absl::StatusOr<std::string> path = store.PathOf(*tree);
  ASSERT_TRUE(path.ok());
  EXPECT_EQ(*ReadFile(*path + "/roles/web.yaml"), role);
  EXPECT_EQ(*ReadFile(*path + "/cookbooks/nginx/recipe.yaml"), recipe);
  // The same files in another order are the same tree.
  std::reverse(files.begin(), files.end());
  EXPECT_EQ(*store.Build(files), *tree);
  EXPECT_TRUE(absl::IsNotFound(store.PathOf(std::string(64, 'a')).status()));
}

TEST(DeployTreeStoreTest, NothingOutsideTheFolderGetsIn) {
  TempDir dir;
  DeployTreeStore store(dir.path());
  const std::string content = "x";
  ASSERT_TRUE(store.Put(Sha256Hex(content), content).ok());
  for (const char* path : {"../etc/passwd", "/etc/passwd", "cookbooks/../../x", "roles/./x",
                           "secrets/key", "cookbooks/.hidden/x", "cookbooks//x", "roles/"}) {
    absl::StatusOr<std::string> tree = store.Build({File(path, content)});
    EXPECT_TRUE(absl::IsInvalidArgument(tree.status())) << path << ": " << tree.status();
  }
  EXPECT_TRUE(absl::IsInvalidArgument(
      store.Build({File("roles/a.yaml", content), File("roles/a.yaml", content)}).status()));
  EXPECT_TRUE(absl::IsInvalidArgument(store.Missing({"not-a-hash"}).status()));
  EXPECT_THAT(*store.Missing({}), IsEmpty());
}

}  // namespace
}  // namespace dm
