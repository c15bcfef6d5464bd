// The run as a whole: dry runs, notifications, failures, attribute precedence, reports.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "agent/cookbook/testing/cookbook_fixture.h"

namespace dm::cookbook {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class RunnerTest : public testing::CookbookTest {};

TEST_F(RunnerTest, DryRunChangesNothingAndShowsDiffs) {
  Write("conf", "a=1\nb=2\n");
  WriteRecipe(
      "- file: \"{{root}}/conf\"\n  content: \"a=1\\nb=3\\n\"\n"
      "- file: \"{{root}}/new\"\n  content: \"fresh\\n\"\n"
      "- directory: \"{{root}}/dir\"\n- execute: \"touch {{root}}/ran\"\n");
  RunReport report = Converge(/*dry_run=*/true);
  EXPECT_TRUE(report.dry_run);
  EXPECT_EQ(report.Count(ResourceStatus::kChanged), 4);
  EXPECT_EQ(report.resources[0].diff, "--- " + root() + "/conf\n+++ " + root() +
                                          "/conf\n@@ -1,2 +1,2 @@\n a=1\n-b=2\n+b=3\n");
  EXPECT_THAT(report.resources[1].diff, HasSubstr("--- /dev/null\n"));
  EXPECT_THAT(report.resources[3].changes, ElementsAre("would run touch " + root() + "/ran"));
  EXPECT_EQ(Read("conf"), "a=1\nb=2\n");
  EXPECT_FALSE(Exists("new"));
  EXPECT_FALSE(Exists("dir"));
  EXPECT_FALSE(Exists("ran"));
  EXPECT_THAT(report.ToText(false), HasSubstr("would change"));
}

TEST_F(RunnerTest, SensitiveContentIsNeverShown) {
  Write("secret", "password=old\n");
  WriteRecipe(
      "- file: \"{{root}}/secret\"\n  content: \"password={{db_password}}\\n\"\n  sensitive: true\n"
      "- execute: \"echo {{db_password}}\"\n  sensitive: true\n",
      "db_password: hunter2\n");
  for (bool dry_run : {true, false}) {
    RunReport report = Converge(dry_run);
    std::string all = report.ToJson().dump() + report.ToText(true);
    EXPECT_THAT(all, ::testing::Not(HasSubstr("hunter2")));
    EXPECT_THAT(all, ::testing::Not(HasSubstr("password=old")));
  }
  EXPECT_EQ(Read("secret"), "password=hunter2\n");
}

TEST_F(RunnerTest, DelayedNotificationsRunOnceAtTheEnd) {
  WriteRecipe(
      "- execute: \"echo restart >> {{root}}/log\"\n  action: nothing\n"
      "- file: \"{{root}}/a\"\n  content: a\n  notifies: {run: \"execute[echo restart >> "
      "{{root}}/log]\"}\n"
      "- file: \"{{root}}/b\"\n  content: b\n  notifies: {run: \"execute[echo restart >> "
      "{{root}}/log]\"}\n"
      "- execute: \"echo last-resource >> {{root}}/log\"\n");
  RunReport report = Converge();
  EXPECT_EQ(Read("log"), "last-resource\nrestart\n");
  const ResourceReport* notified = Find(report, "execute[echo restart >> " + root() + "/log]");
  EXPECT_EQ(notified->notified_by, "file[" + root() + "/a]");
  EXPECT_EQ(notified->status, ResourceStatus::kChanged);

  // Nothing changed: nothing notified.
  report = Converge();
  EXPECT_EQ(Read("log"), "last-resource\nrestart\nlast-resource\n");
  EXPECT_EQ(report.resources.size(), 4u);
}

TEST_F(RunnerTest, ImmediateNotificationsRunRightAfterTheirResource) {
  WriteRecipe(
      "- execute: reload\n  command: \"cat {{root}}/a >> {{root}}/log\"\n  action: nothing\n"
      "- file: \"{{root}}/a\"\n  content: \"a\\n\"\n  notifies: {run: \"execute[reload]\", timing: "
      "immediately}\n"
      "- execute: \"echo next >> {{root}}/log\"\n");
  Converge();
  // The notified command already sees the new file (staged writes are committed first).
  EXPECT_EQ(Read("log"), "a\nnext\n");
}

TEST_F(RunnerTest, AFailureStopsTheRunAndTheReportSaysWhatChangedBeforeIt) {
  WriteRecipe(
      "- execute: notify-me\n  command: \"touch {{root}}/notified\"\n  action: nothing\n"
      "- file: \"{{root}}/one\"\n  content: \"1\"\n  notifies: {run: \"execute[notify-me]\"}\n"
      "- execute: \"false\"\n- file: \"{{root}}/two\"\n  content: \"2\"\n");
  RunReport report = Converge();
  EXPECT_TRUE(report.failed());
  EXPECT_EQ(report.resources[1].status, ResourceStatus::kChanged);
  EXPECT_EQ(report.resources[2].status, ResourceStatus::kFailed);
  EXPECT_EQ(report.resources[3].status, ResourceStatus::kSkipped);
  EXPECT_EQ(Read("one"), "1");  // what changed before the failure is in place
  EXPECT_FALSE(Exists("two"));
  EXPECT_FALSE(Exists("notified"));  // delayed notifications do not run after a failure
  EXPECT_EQ(report.ToJson()["status"], "failed");
}

TEST_F(RunnerTest, IgnoreFailureContinues) {
  WriteRecipe(
      "- execute: \"false\"\n  ignore_failure: true\n- file: \"{{root}}/after\"\n  content: x\n");
  RunReport report = Converge();
  EXPECT_EQ(report.resources[0].status, ResourceStatus::kFailed);
  EXPECT_TRUE(Exists("after"));
}

TEST_F(RunnerTest, AttributePrecedenceCookbookRoleFleetHost) {
  WriteCookbookFile("cookbooks/app/recipe.yaml",
                    "- file: \"{{root}}/out\"\n  content: \"{{a}} {{b}} {{c}} {{d}}\"\n");
  WriteCookbookFile("cookbooks/app/attributes.yaml",
                    "root: " + root() + "\na: cookbook\nb: cookbook\nc: cookbook\nd: cookbook\n");
  WriteCookbookFile("roles/web.yaml",
                    "cookbooks: [app]\nattributes: {b: role, c: role, d: role}\n");
  LoadOptions options;
  options.path = cookbook_dir();
  options.role = "web";
  options.fleet_attributes = {{"c", "fleet"}, {"d", "fleet"}};
  options.host_attributes = Attributes::object();
  ASSERT_TRUE(SetAttribute(options.host_attributes, "d", "host").ok());
  absl::StatusOr<RunList> run_list = Load(options);
  ASSERT_TRUE(run_list.ok()) << run_list.status();
  RunOptions run;
  run.state_dir = state_dir();
  RunReport report = cookbook::Converge(*run_list, run);
  EXPECT_FALSE(report.failed());
  EXPECT_EQ(Read("out"), "cookbook role fleet host");
}

// A controller restarted mid-converge sends a new converge while the old one still runs: the
// second waits, so that a guard and its command (not_if: the database exists; createdb) are never
// split by the other run.
TEST_F(RunnerTest, TwoRunsOnOneHostTakeTurns) {
  WriteRecipe("- execute: \"echo start >> {{root}}/log; sleep 0.3; echo end >> {{root}}/log\"\n");
  RunReport first, second;
  std::thread a([&] { first = Converge(); });
  std::thread b([&] { second = Converge(); });
  a.join();
  b.join();
  EXPECT_FALSE(first.failed());
  EXPECT_FALSE(second.failed());
  EXPECT_EQ(Read("log"), "start\nend\nstart\nend\n");
}

TEST_F(RunnerTest, ARunThatCannotTakeTheLockChangesNothingAndSaysWhy) {
  WriteRecipe("- file: \"{{root}}/x\"\n  content: x\n- file: \"{{root}}/y\"\n  content: y\n");
  absl::StatusOr<RunList> run_list = Load();
  ASSERT_TRUE(run_list.ok()) << run_list.status();
  Write("not-a-folder", "");
  RunOptions options;
  options.state_dir = root() + "/not-a-folder";
  RunReport report = cookbook::Converge(*run_list, options);
  ASSERT_EQ(report.resources.size(), 2u);
  EXPECT_EQ(report.resources[0].status, ResourceStatus::kFailed);
  EXPECT_THAT(report.resources[0].message, HasSubstr(root() + "/not-a-folder/converge.lock"));
  EXPECT_EQ(report.resources[1].status, ResourceStatus::kSkipped);
  EXPECT_FALSE(Exists("x"));
}

TEST_F(RunnerTest, ReportJsonRoundTrips) {
  WriteRecipe("- file: \"{{root}}/x\"\n  content: x\n");
  RunReport report = Converge();
  RunReport back = RunReport::FromJson(report.ToJson());
  EXPECT_EQ(back.ToJson(), report.ToJson());
  EXPECT_EQ(report.ToJson()["totals"]["changed"], 1);
}

}  // namespace
}  // namespace dm::cookbook
