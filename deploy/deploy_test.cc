// The shipped cookbooks and roles load and validate (every role, every template variable), and
// the example application in deploy/examples/app is the one the guestbook cookbook ships.
#include <gtest/gtest.h>

#include "agent/cookbook/run_list.h"
#include "common/files.h"

namespace dm::cookbook {
namespace {

const std::string kDeploy = std::string(DM_SOURCE_DIR) + "/deploy";

TEST(DeployTest, EveryRoleLoads) {
  for (const char* role : {"example", "dbappbalancer", "appbalancer", "dbserver", "appnode", "cachenode",
                           "loadbalancer"}) {
    LoadOptions options;
    options.path = kDeploy;
    options.role = role;
    absl::StatusOr<RunList> run_list = LoadRunList(options);
    EXPECT_TRUE(run_list.ok()) << role << ": " << run_list.status();
  }
}

TEST(DeployTest, TheGuestbookCookbookShipsTheExampleApplication) {
  EXPECT_EQ(ReadFile(kDeploy + "/cookbooks/guestbook/files/guestbook.py").value_or("a"),
            ReadFile(kDeploy + "/examples/app/guestbook.py").value_or("b"))
      << "deploy/examples/app/guestbook.py must link to the cookbook's copy";
}

}  // namespace
}  // namespace dm::cookbook
