// The shipped cookbooks and roles load and validate (every role, every template variable).
#include <gtest/gtest.h>

#include <map>

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

// Each example role watches what it serves (docs/health.md); combined roles watch all of it.
TEST(DeployTest, EveryFleetRoleDeclaresTheChecksOfWhatItServes) {
  const std::map<std::string, std::vector<std::string>> expected = {
      {"loadbalancer", {"service[nginx.service]", "http[http://127.0.0.1/lb-health]"}},
      {"appnode", {"service[app.service]", "http[http://127.0.0.1:8000/health]"}},
      {"dbserver", {"service[postgresql@15-main.service]", "postgresql accepts connections"}},
      {"cachenode", {"service[memcached.service]", "tcp[127.0.0.1:11211]"}},
      {"dbappbalancer",
       {"service[postgresql@15-main.service]", "postgresql accepts connections",
        "service[memcached.service]", "tcp[127.0.0.1:11211]", "service[app.service]",
        "http[http://127.0.0.1:8000/health]", "service[nginx.service]",
        "http[http://127.0.0.1/lb-health]"}},
  };
  for (const auto& [role, names] : expected) {
    LoadOptions options;
    options.path = kDeploy;
    options.role = role;
    absl::StatusOr<RunList> run_list = LoadRunList(options);
    ASSERT_TRUE(run_list.ok()) << role << ": " << run_list.status();
    std::vector<std::string> got;
    for (const health::CheckSpec& check : run_list->health) got.push_back(check.name);
    EXPECT_EQ(got, names) << role;
  }
}

}  // namespace
}  // namespace dm::cookbook
