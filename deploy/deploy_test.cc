// The shipped cookbooks and roles load and validate (every role, every template variable).
#include <gtest/gtest.h>

#include "agent/cookbook/run_list.h"

namespace dm::cookbook {
namespace {

const std::string kDeploy = std::string(DM_SOURCE_DIR) + "/deploy";

TEST(DeployTest, EveryRoleLoads) {
  for (const char* role : {"example", "dbappbalancer", "appbalancer", "dbserver", "appnode",
                           "cachenode", "loadbalancer"}) {
    LoadOptions options;
    options.path = kDeploy;
    options.role = role;
    absl::StatusOr<RunList> run_list = LoadRunList(options);
    EXPECT_TRUE(run_list.ok()) << role << ": " << run_list.status();
  }
}

}  // namespace
}  // namespace dm::cookbook
