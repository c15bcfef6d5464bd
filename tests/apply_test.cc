// `dm-agent apply` as operators and scripts use it: exit codes, --json, --dry-run, --attr.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "absl/strings/match.h"
#include "common/files.h"
#include "common/temp_dir.h"
#include "tests/harness/process.h"

namespace dm::testing {
namespace {

class ApplyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(dir_ + "/book/templates");
    Write("book/attributes.yaml", "root: " + dir_ + "/out\nport: \"80\"\n");
    Write("book/templates/conf.mustache", "port={{port}}\n");
    Write(
        "book/recipe.yaml",
        "- directory: \"{{root}}\"\n- template: \"{{root}}/app.conf\"\n  source: conf.mustache\n");
  }
  void TearDown() override {
    if (HasFailure()) temp_.Keep();
  }
  void Write(const std::string& relative, const std::string& text) {
    std::ofstream(dir_ + "/" + relative) << text;
  }
  CommandResult Apply(std::vector<std::string> args) {
    args.insert(args.begin(),
                {BinaryPath("dm-agent"), "apply", dir_ + "/book", "--state-dir", dir_ + "/state"});
    return RunCommand(args);
  }

  TempDir temp_{"dm-apply-test"};
  const std::string dir_ = temp_.path();
};

TEST_F(ApplyTest, ConvergesThenReportsNothingToDo) {
  CommandResult first = Apply({});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_TRUE(absl::StrContains(first.out, "converged: 2 resources, 2 changed")) << first.out;
  EXPECT_EQ(ReadFile(dir_ + "/out/app.conf").value_or(""), "port=80\n");
  CommandResult second = Apply({"--json"});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  nlohmann::json report = nlohmann::json::parse(second.out);
  EXPECT_EQ(report["status"], "converged");
  EXPECT_EQ(report["totals"]["changed"], 0);
  EXPECT_EQ(report["totals"]["ok"], 2);
}

TEST_F(ApplyTest, HostAttributesOverrideAndDryRunShowsTheDiff) {
  ASSERT_EQ(Apply({}).exit_code, 0);
  CommandResult dry = Apply({"--attr", "port=8080", "--dry-run"});
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_TRUE(absl::StrContains(dry.out, "-port=80\n      +port=8080")) << dry.out;
  EXPECT_EQ(ReadFile(dir_ + "/out/app.conf").value_or(""), "port=80\n");
  ASSERT_EQ(Apply({"--attr", "port=8080"}).exit_code, 0);
  EXPECT_EQ(ReadFile(dir_ + "/out/app.conf").value_or(""), "port=8080\n");
}

TEST_F(ApplyTest, InvalidInputExitsOneAndNamesThePosition) {
  Write("book/recipe.yaml",
        "- directory: \"{{root}}\"\n- template: \"{{root}}/app.conf\"\n  source: conf.mustache\n  "
        "mode: 644x\n");
  CommandResult r = Apply({});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(absl::StrContains(
      r.err, dir_ + "/book/recipe.yaml:4:9: template[" + dir_ + "/out/app.conf]: field 'mode'"))
      << r.err;
  EXPECT_FALSE(PathExists(dir_ + "/out"));
}

TEST_F(ApplyTest, AFailedResourceExitsTwo) {
  Write("book/recipe.yaml", "- directory: \"{{root}}\"\n- execute: \"exit 9\"\n");
  CommandResult r = Apply({"--json"});
  EXPECT_EQ(r.exit_code, 2);
  nlohmann::json report = nlohmann::json::parse(r.out);
  EXPECT_EQ(report["status"], "failed");
  EXPECT_EQ(report["resources"][0]["status"], "changed");
  EXPECT_EQ(report["resources"][1]["status"], "failed");
}

TEST_F(ApplyTest, UsageErrors) {
  EXPECT_EQ(RunCommand({BinaryPath("dm-agent"), "apply"}).exit_code, 1);
  CommandResult role = Apply({"--role", "web"});
  EXPECT_EQ(role.exit_code, 1);
  EXPECT_TRUE(absl::StrContains(role.err, "is a single cookbook")) << role.err;
  CommandResult help = RunCommand({BinaryPath("dm-agent"), "apply", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_TRUE(absl::StrContains(help.out, "--dry-run"));
}

}  // namespace
}  // namespace dm::testing
