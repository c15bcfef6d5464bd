// The shipped cookbooks and roles load and validate (every role, every template variable).
#include <gtest/gtest.h>

#include <map>

#include "agent/cookbook/run_list.h"

namespace dm::cookbook {
namespace {

const std::string kDeploy = std::string(DM_SOURCE_DIR) + "/deploy";

TEST(DeployTest, EveryRoleLoads) {
  for (const char* role : {"example", "dbappbalancer", "appbalancer", "dbserver", "appnode",
                           "cachenode", "loadbalancer", "tasknode", "lognode"}) {
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

// What the fleet file chooses: Redis for the cache (cache: redis), the journal's upload when the
// fleet has a lognode; the task and log nodes' own cookbooks and checks.
TEST(DeployTest, TheFleetChoosesTheCacheAndTheLogUploadOfARole) {
  auto load = [](const std::string& role, Attributes fleet) {
    LoadOptions options;
    options.path = kDeploy;
    options.role = role;
    options.fleet_attributes = std::move(fleet);
    absl::StatusOr<RunList> run_list = LoadRunList(options);
    EXPECT_TRUE(run_list.ok()) << role << ": " << run_list.status();
    return run_list.ok() ? std::move(*run_list) : RunList{};
  };
  RunList plain = load("cachenode", Attributes::object());
  EXPECT_EQ(plain.cookbooks, (std::vector<std::string>{"memcached", "firewall"}));
  RunList redis = load(
      "cachenode", {{"cache", {{"server", "redis"}}}, {"logs", {{"cookbook", "journal-upload"}}}});
  EXPECT_EQ(redis.cookbooks, (std::vector<std::string>{"redis", "firewall", "journal-upload"}));
  std::vector<std::string> checks;
  for (const health::CheckSpec& check : redis.health) checks.push_back(check.name);
  EXPECT_EQ(checks,
            (std::vector<std::string>{"service[redis-server.service]", "tcp[127.0.0.1:6379]"}))
      << "the upload has no check: a lognode away must not make the healer replace this host";
  RunList tasks = load("tasknode", Attributes::object());
  EXPECT_EQ(tasks.cookbooks, (std::vector<std::string>{"app-release", "tasks", "firewall"}));
  ASSERT_EQ(tasks.health.size(), 1u);
  EXPECT_EQ(tasks.health[0].name, "service[app-worker.service]");
  RunList logs = load("lognode", Attributes::object());
  EXPECT_EQ(logs.cookbooks, (std::vector<std::string>{"journal-remote", "firewall"}));
}

}  // namespace
}  // namespace dm::cookbook
