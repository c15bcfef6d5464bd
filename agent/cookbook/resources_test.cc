// Each resource type converges, is idempotent (a second run changes nothing and says so), and
// changes only what differs.
#include <sys/stat.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>

#include "agent/cookbook/testing/cookbook_fixture.h"
#include "common/files.h"

namespace dm::cookbook {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class ResourcesTest : public testing::CookbookTest {
 protected:
  // Converges twice; the second run must change nothing.
  RunReport ConvergeIdempotent() {
    RunReport first = Converge();
    EXPECT_FALSE(first.failed()) << first.ToText(true);
    RunReport second = Converge();
    EXPECT_EQ(second.Count(ResourceStatus::kChanged), 0) << second.ToText(true);
    EXPECT_FALSE(second.failed()) << second.ToText(true);
    return first;
  }
  static ino_t Inode(const std::string& path) {
    struct stat st {};
    ::lstat(path.c_str(), &st);
    return st.st_ino;
  }
};

TEST_F(ResourcesTest, FileCreatesWithContentAndModeThenLeavesItAlone) {
  WriteRecipe("- file: \"{{root}}/motd\"\n  content: \"hello\\n\"\n  mode: \"0640\"\n");
  RunReport report = ConvergeIdempotent();
  EXPECT_EQ(Find(report, "file[" + root() + "/motd]")->status, ResourceStatus::kChanged);
  EXPECT_EQ(Read("motd"), "hello\n");
  EXPECT_EQ(Mode("motd"), 0640);
}

TEST_F(ResourcesTest, FileFixesOnlyWhatDiffersAndBacksUpTheReplacedVersion) {
  WriteRecipe("- file: \"{{root}}/conf\"\n  content: \"new\\n\"\n  mode: \"0600\"\n");
  Write("conf", "new\n");
  ::chmod((root() + "/conf").c_str(), 0644);
  ino_t before = Inode(root() + "/conf");
  RunReport report = Converge();
  EXPECT_THAT(Find(report, "file[" + root() + "/conf]")->changes, ElementsAre("mode 0644 -> 0600"));
  EXPECT_EQ(Inode(root() + "/conf"), before);  // same bytes: not rewritten

  Write("conf", "old\n");
  report = Converge();
  const ResourceReport* r = Find(report, "file[" + root() + "/conf]");
  EXPECT_THAT(r->changes, ElementsAre("content"));
  EXPECT_THAT(r->diff, HasSubstr("-old\n+new\n"));
  EXPECT_EQ(Read("conf"), "new\n");
  EXPECT_EQ(Mode("conf"), 0600);
  // The old version is under the backup folder, not beside the file.
  int backups = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(root() + "/../backup")) {
    if (!e.is_regular_file()) continue;
    ++backups;
    EXPECT_EQ(dm::ReadFile(e.path().string()).value_or(""), "old\n");
  }
  EXPECT_EQ(backups, 1);
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(root()), {}), 1);
}

TEST_F(ResourcesTest, FileFromTheCookbooksFilesAndDelete) {
  WriteCookbookFile("files/app.ini", "[app]\nworkers = 4\n");
  WriteRecipe(
      "- file: \"{{root}}/app.ini\"\n  source: app.ini\n- file: \"{{root}}/stale\"\n  action: "
      "delete\n");
  Write("stale", "x");
  ConvergeIdempotent();
  EXPECT_EQ(Read("app.ini"), "[app]\nworkers = 4\n");
  EXPECT_FALSE(Exists("stale"));
}

TEST_F(ResourcesTest, FileRefusesToReplaceADirectory) {
  WriteRecipe("- file: \"{{root}}/d\"\n  content: x\n");
  std::filesystem::create_directory(root() + "/d");
  RunReport report = Converge();
  EXPECT_TRUE(report.failed());
  EXPECT_THAT(report.resources[0].message, HasSubstr("is a directory"));
}

TEST_F(ResourcesTest, DirectoryRecursiveModeAndDelete) {
  WriteRecipe(
      "- directory: \"{{root}}/a/b/c\"\n  mode: \"0750\"\n  recursive: true\n"
      "- directory: \"{{root}}/gone\"\n  action: delete\n  recursive: true\n");
  std::filesystem::create_directories(root() + "/gone/inner");
  ConvergeIdempotent();
  EXPECT_EQ(Mode("a/b/c"), 0750);
  EXPECT_EQ(Mode("a/b"), 0755);
  EXPECT_FALSE(Exists("gone"));
}

TEST_F(ResourcesTest, DirectoryWithoutRecursiveNeedsItsParent) {
  WriteRecipe("- directory: \"{{root}}/x/y\"\n");
  RunReport report = Converge();
  EXPECT_TRUE(report.failed());
  EXPECT_THAT(report.resources[0].message, HasSubstr("set recursive: true"));
}

TEST_F(ResourcesTest, LinkCreatesAndRetargets) {
  WriteRecipe("- link: \"{{root}}/current\"\n  to: releases/2\n");
  ::symlink("releases/1", (root() + "/current").c_str());
  RunReport report = ConvergeIdempotent();
  EXPECT_THAT(report.resources[0].changes, ElementsAre("retargeted -> releases/2"));
  EXPECT_EQ(std::filesystem::read_symlink(root() + "/current"), "releases/2");
}

TEST_F(ResourcesTest, TemplateRendersAttributesAndVariablesWithoutHtmlEscaping) {
  WriteCookbookFile(
      "templates/up.mustache",
      "upstream {{name}} {\n{{#servers}}\n  server {{.}};\n{{/servers}}\n}\n# {{note}}\n");
  WriteRecipe(
      "- template: \"{{root}}/up.conf\"\n  source: up.mustache\n  variables: {name: app1}\n",
      "servers: [\"10.0.0.1:80\", \"10.0.0.2:80\"]\nnote: \"a < b & c\"\n");
  ConvergeIdempotent();
  EXPECT_EQ(Read("up.conf"),
            "upstream app1 {\n  server 10.0.0.1:80;\n  server 10.0.0.2:80;\n}\n# a < b & c\n");
}

TEST_F(ResourcesTest, LineAppendsReplacesAndRemoves) {
  Write("sshd_config", "Port 22\n#PasswordAuthentication yes\nUsePAM yes\n");
  // Two edits of one file: each has its own name and says which file with `path`.
  WriteRecipe(
      "- line: no passwords\n  path: \"{{root}}/sshd_config\"\n  text: PasswordAuthentication no\n"
      "  match: \"^#?PasswordAuthentication\"\n"
      "- line: no pam\n  path: \"{{root}}/sshd_config\"\n  text: UsePAM yes\n  action: absent\n"
      "- line: \"{{root}}/other\"\n  text: appended\n  create: true\n");
  RunReport report = ConvergeIdempotent();
  EXPECT_EQ(Read("sshd_config"), "Port 22\nPasswordAuthentication no\n");
  EXPECT_EQ(Read("other"), "appended\n");
  EXPECT_THAT(report.resources[0].diff,
              HasSubstr("-#PasswordAuthentication yes\n+PasswordAuthentication no\n"));
  // No backup or temporary file beside them.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(root()), {}), 2);
}

TEST_F(ResourcesTest, LineAppendsToAFileWithoutAFinalNewline) {
  Write("conf", "a=1");
  WriteRecipe("- line: \"{{root}}/conf\"\n  text: b=2\n");
  ConvergeIdempotent();
  EXPECT_EQ(Read("conf"), "a=1\nb=2\n");
}

TEST_F(ResourcesTest, ExecuteRunsAChildWithItsSettingsAndGuards) {
  WriteRecipe(
      "- execute: \"echo $GREETING from $(pwd) > {{root}}/out\"\n  cwd: /tmp\n  env: {GREETING: "
      "hi}\n"
      "  creates: \"{{root}}/out\"\n"
      "- execute: only-if-false\n  command: [\"touch\", \"{{root}}/never\"]\n  only_if: \"false\"\n"
      "- execute: not-if-true\n  command: [\"touch\", \"{{root}}/never2\"]\n  not_if: "
      "[\"true\"]\n");
  RunReport report = ConvergeIdempotent();
  EXPECT_EQ(Read("out"), "hi from /tmp\n");
  EXPECT_FALSE(Exists("never"));
  EXPECT_FALSE(Exists("never2"));
  EXPECT_EQ(report.resources[1].status, ResourceStatus::kSkipped);
  EXPECT_EQ(report.resources[1].message, "only_if: false failed");
}

TEST_F(ResourcesTest, AListFieldTakesAListAttributeWhole) {
  // A fleet says how many packages, or which arguments: the recipe names the list once.
  WriteRecipe(
      "- execute: write the arguments\n  command: \"{{argv}}\"\n"
      "  creates: \"{{root}}/out\"\n",
      "argv: [sh, -c, 'printf \"%s|\" \"$@\" > \"$0\"', OUT, one, two words]\n");
  // OUT is where the file goes: the attribute file cannot hold {{root}} itself.
  std::string attributes = ReadFile(cookbook_dir() + "/attributes.yaml").value_or("");
  ASSERT_TRUE(WriteFileAtomic(cookbook_dir() + "/attributes.yaml",
                              std::regex_replace(attributes, std::regex("OUT"), root() + "/out"),
                              0644)
                  .ok());
  ConvergeIdempotent();
  EXPECT_EQ(Read("out"), "one|two words|") << "each item one argument, spaces kept";
}

TEST_F(ResourcesTest, ExecuteFailureStopsTheRunWithItsExitCodeAndOutput) {
  WriteRecipe("- execute: \"echo broken >&2; exit 3\"\n- file: \"{{root}}/after\"\n  content: x\n");
  RunReport report = Converge();
  EXPECT_TRUE(report.failed());
  EXPECT_THAT(report.resources[0].message, HasSubstr("exit code 3\nbroken"));
  EXPECT_EQ(report.resources[1].status, ResourceStatus::kSkipped);
  EXPECT_FALSE(Exists("after"));
}

TEST_F(ResourcesTest, ExecuteTimeoutAndAcceptedExitCodes) {
  WriteRecipe(
      "- execute: \"sleep 5\"\n  timeout: 0.2\n  ignore_failure: true\n"
      "- execute: \"exit 4\"\n  returns: [0, 4]\n");
  RunReport report = Converge();
  EXPECT_EQ(report.resources[0].status, ResourceStatus::kFailed);
  EXPECT_THAT(report.resources[0].message, HasSubstr("timed out"));
  EXPECT_LT(report.resources[0].duration_ms, 3000);
  EXPECT_EQ(report.resources[1].status, ResourceStatus::kChanged);
  EXPECT_FALSE(report.failed() && report.resources[1].status != ResourceStatus::kChanged);
}

TEST_F(ResourcesTest, ExecuteAsAnotherUser) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to change user";
  WriteRecipe("- execute: \"id -un > {{root}}/who\"\n  user: nobody\n");
  ::chmod((root() + "/..").c_str(), 0755);
  ::chmod(root().c_str(), 0777);
  Converge();
  EXPECT_EQ(Read("who"), "nobody\n");
}

}  // namespace
}  // namespace dm::cookbook
