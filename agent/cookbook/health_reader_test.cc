// Health checks as roles and cookbooks declare them: defaults, attributes, and every mistake
// named with its file, line and column before anything runs.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "agent/cookbook/run_list.h"
#include "agent/health/check_spec.h"
#include "common/files.h"
#include "common/temp_dir.h"

namespace dm::cookbook {
namespace {

using health::CheckKind;
using health::CheckSpec;
using ::testing::HasSubstr;

class HealthReaderTest : public ::testing::Test {
 protected:
  // A deploy folder with role `web` of cookbook `site`; `role_extra` is appended to the role.
  void WriteDeploy(const std::string& health_yaml, const std::string& role_extra = "") {
    Write("cookbooks/site/recipe.yaml", "- directory: /tmp\n");
    Write("cookbooks/site/attributes.yaml", "site:\n  port: \"8000\"\n");
    if (!health_yaml.empty()) Write("cookbooks/site/health.yaml", health_yaml);
    Write("roles/web.yaml", "cookbooks: [site]\n" + role_extra);
  }
  void Write(const std::string& relative, const std::string& text) {
    std::filesystem::create_directories(std::filesystem::path(dir_.Path(relative)).parent_path());
    ASSERT_TRUE(WriteFileAtomic(dir_.Path(relative), text, 0644).ok());
  }
  absl::StatusOr<RunList> Load() {
    LoadOptions options;
    options.path = dir_.path();
    options.role = "web";
    return LoadRunList(options);
  }
  std::string Refusal() {
    absl::StatusOr<RunList> run = Load();
    EXPECT_FALSE(run.ok());
    return run.ok() ? "" : std::string(run.status().message());
  }
  std::string HealthFile() const { return dir_.Path("cookbooks/site/health.yaml"); }
  std::string RoleFile() const { return dir_.Path("roles/web.yaml"); }

  TempDir dir_{"dm-health-reader"};
};

TEST_F(HealthReaderTest, EveryKindWithItsDefaults) {
  WriteDeploy(
      "health:\n"
      "  - service: nginx\n"
      "  - http: \"http://127.0.0.1:{{site.port}}/health\"\n"
      "    body_contains: ok\n"
      "    service: guestbook\n"
      "  - tcp: 127.0.0.1:11211\n"
      "    interval: 10s\n"
      "    timeout: 500ms\n"
      "    fall: 3\n"
      "    rise: 1\n"
      "  - command: [pg_isready, -q]\n"
      "    name: postgres answers\n"
      "    service: postgresql\n"
      "  - disk: /\n"
      "    min_free: 10%\n");
  absl::StatusOr<RunList> run = Load();
  ASSERT_TRUE(run.ok()) << run.status();
  ASSERT_EQ(run->health.size(), 5u);

  const CheckSpec& service = run->health[0];
  EXPECT_EQ(service.kind, CheckKind::kService);
  EXPECT_EQ(service.name, "service[nginx.service]");
  EXPECT_EQ(service.target, "nginx.service");
  EXPECT_EQ(service.service, "nginx.service");  // a service check restarts its own unit
  EXPECT_EQ(service.interval, absl::Seconds(5));
  EXPECT_EQ(service.fall, 2);
  EXPECT_EQ(service.rise, 2);
  EXPECT_TRUE(service.critical);
  EXPECT_EQ(service.declared, HealthFile() + ":2:5");

  const CheckSpec& http = run->health[1];
  EXPECT_EQ(http.target, "http://127.0.0.1:8000/health");  // attributes interpolated
  EXPECT_EQ(http.expect_status, 200);
  EXPECT_EQ(http.body_contains, "ok");
  EXPECT_EQ(http.service, "guestbook.service");

  const CheckSpec& tcp = run->health[2];
  EXPECT_EQ(tcp.interval, absl::Seconds(10));
  EXPECT_EQ(tcp.timeout, absl::Milliseconds(500));
  EXPECT_EQ(tcp.fall, 3);
  EXPECT_EQ(tcp.rise, 1);
  EXPECT_EQ(tcp.service, "");  // nothing to restart

  const CheckSpec& command = run->health[3];
  EXPECT_EQ(command.name, "postgres answers");
  EXPECT_EQ(command.argv, (std::vector<std::string>{"pg_isready", "-q"}));

  const CheckSpec& disk = run->health[4];
  EXPECT_DOUBLE_EQ(disk.min_free, 0.10);
  EXPECT_FALSE(disk.critical);  // a filling disk degrades a host; it does not replace it
}

TEST_F(HealthReaderTest, RoleChecksComeAfterTheCookbooksAndSeeTheirAttributes) {
  WriteDeploy("health:\n  - service: nginx\n",
              "health:\n  - tcp: \"127.0.0.1:{{site.port}}\"\n    critical: false\n"
              "remediation: [restart, reconverge]\n");
  absl::StatusOr<RunList> run = Load();
  ASSERT_TRUE(run.ok()) << run.status();
  ASSERT_EQ(run->health.size(), 2u);
  EXPECT_EQ(run->health[1].target, "127.0.0.1:8000");
  EXPECT_FALSE(run->health[1].critical);
  EXPECT_EQ(run->health[1].declared, RoleFile() + ":3:5");
}

TEST_F(HealthReaderTest, EveryMistakeIsNamedWithItsPosition) {
  WriteDeploy(
      "health:\n"
      "  - servce: nginx\n"             // 2: unknown kind
      "  - http: https://127.0.0.1/\n"  // 3: not http://
      "  - tcp: localhost\n"            // 4: no port
      "  - disk: /\n"
      "    min_free: lots\n"  // 6
      "  - service: nginx\n"
      "    interval: 2s\n"
      "    timeout: 5s\n"  // 9: longer than the interval
      "    fall: 0\n"      // 10
      "    expect: 200\n"  // 11: unknown field
      "  - command: []\n"  // 12
      "  - tcp: 127.0.0.1:80\n"
      "    interval: 1e300\n");  // 14: longer than a day
  std::string m = Refusal();
  EXPECT_THAT(m, HasSubstr(HealthFile() + ":2:5: cookbook site: unknown health check kind "
                                          "'servce' (known: service, http, tcp, command, disk)"));
  EXPECT_THAT(m, HasSubstr(HealthFile() + ":3:11: cookbook site: health check http: field "
                                          "'http': must be an http:// URL"));
  EXPECT_THAT(m, HasSubstr(HealthFile() + ":4:10:"));
  EXPECT_THAT(m, HasSubstr("must be HOST:PORT, not 'localhost'"));
  EXPECT_THAT(m, HasSubstr(HealthFile() + ":6:15:"));
  EXPECT_THAT(m, HasSubstr("must be a share of the disk such as 5%, not 'lots'"));
  EXPECT_THAT(m, HasSubstr(HealthFile() + ":9:14:"));
  EXPECT_THAT(m, HasSubstr("must not be longer than the interval"));
  EXPECT_THAT(m, HasSubstr(HealthFile() + ":10:11:"));
  EXPECT_THAT(m, HasSubstr(HealthFile() + ":11:5:"));
  EXPECT_THAT(m, HasSubstr("unknown field 'expect'"));
  EXPECT_THAT(m, HasSubstr(HealthFile() + ":12:14:"));
  EXPECT_THAT(m, HasSubstr(HealthFile() + ":14:15: cookbook site: health check tcp: "
                                          "field 'interval': must be from 1ms to 24h"));
}

TEST_F(HealthReaderTest, TwoChecksWithOneNameAreRefused) {
  WriteDeploy("health:\n  - service: nginx\n", "health:\n  - service: nginx\n");
  std::string m = Refusal();
  EXPECT_THAT(m, HasSubstr(RoleFile() +
                           ":3:5: health check 'service[nginx.service]' is "
                           "declared twice (first at " +
                           HealthFile() + ":2:5)"));
}

TEST_F(HealthReaderTest, AnUnknownRemediationStepIsRefused) {
  WriteDeploy("", "remediation: [restart, reboot]\n");
  EXPECT_THAT(Refusal(), HasSubstr(RoleFile() + ":2:14: role web: field 'remediation': 'reboot' "
                                                "is not one of: restart, reconverge, replace"));
}

TEST_F(HealthReaderTest, ChecksSurviveTheAgentsJsonFile) {
  WriteDeploy(
      "health:\n  - http: http://127.0.0.1/\n    status: 204\n    interval: 1s\n"
      "  - command: [true]\n  - disk: /var\n    min_free_bytes: 2G\n");
  absl::StatusOr<RunList> run = Load();
  ASSERT_TRUE(run.ok()) << run.status();
  absl::StatusOr<std::vector<CheckSpec>> back =
      health::ChecksFromJson(health::ChecksToJson(run->health));
  ASSERT_TRUE(back.ok()) << back.status();
  ASSERT_EQ(back->size(), 3u);
  EXPECT_EQ((*back)[0].expect_status, 204);
  EXPECT_EQ((*back)[0].interval, absl::Seconds(1));
  EXPECT_EQ((*back)[0].timeout, absl::Seconds(1));
  EXPECT_EQ((*back)[1].argv, std::vector<std::string>{"true"});
  EXPECT_EQ((*back)[2].min_free_bytes, uint64_t{2} << 30);
  EXPECT_EQ((*back)[2].declared, (run->health)[2].declared);
  EXPECT_FALSE(health::ChecksFromJson("{\"not\": \"a list\"}").ok());
  // Numbers out of range or not whole are refused, never cast (fuzz/corpus/health_checks).
  for (const char* bad : {R"([{"name": "n", "kind": "tcp", "interval_ms": 6e37}])",
                          R"([{"name": "n", "kind": "tcp", "fall": 2.5}])",
                          R"([{"name": "n", "kind": "tcp", "rise": -1}])",
                          R"([{"name": "n", "kind": "disk", "min_free": 7}])"}) {
    EXPECT_FALSE(health::ChecksFromJson(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace dm::cookbook
