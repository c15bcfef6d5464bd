// Every class of invalid input is refused before anything changes, naming file, line and column.
#include <unistd.h>

#include <filesystem>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "agent/cookbook/testing/cookbook_fixture.h"

namespace dm::cookbook {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class ValidationTest : public testing::CookbookTest {
 protected:
  // Loads the recipe, expecting it to be refused; returns the message.
  std::string Refusal(const std::string& recipe, const std::string& attributes = "") {
    WriteRecipe(recipe, attributes);
    absl::StatusOr<RunList> run_list = Load();
    EXPECT_FALSE(run_list.ok());
    return run_list.ok() ? "" : std::string(run_list.status().message());
  }
  std::string Recipe() const { return cookbook_dir() + "/recipe.yaml"; }
};

TEST_F(ValidationTest, UnknownResourceType) {
  std::string m = Refusal("- file: \"{{root}}/a\"\n  content: x\n- pakage: nginx\n");
  EXPECT_THAT(m, HasSubstr(Recipe() + ":3:3: unknown resource type 'pakage'"));
  EXPECT_THAT(m, HasSubstr("known: file, directory"));
}

TEST_F(ValidationTest, UnknownField) {
  EXPECT_THAT(Refusal("- file: /tmp/x\n  contents: hello\n"),
              HasSubstr(Recipe() + ":2:3: file[/tmp/x]: unknown field 'contents'"));
}

TEST_F(ValidationTest, MissingRequiredField) {
  EXPECT_THAT(Refusal("- link: /tmp/x\n  type: symbolic\n"),
              HasSubstr(Recipe() + ":1:3: link[/tmp/x]: field 'to' is required"));
}

TEST_F(ValidationTest, WrongTypes) {
  std::string m = Refusal(
      "- file: /tmp/x\n  mode: rw-r--r--\n- directory: /tmp/y\n  recursive: maybe\n"
      "- execute: run\n  env: [a, b]\n");
  EXPECT_THAT(m, HasSubstr(Recipe() + ":2:9: file[/tmp/x]: field 'mode': must be an octal mode"));
  EXPECT_THAT(m, HasSubstr(Recipe() +
                           ":4:14: directory[/tmp/y]: field 'recursive': must be true or false"));
  EXPECT_THAT(m,
              HasSubstr(Recipe() + ":6:8: execute[run]: field 'env': must be a map, not a list"));
}

TEST_F(ValidationTest, UndefinedAttributeInARecipeValue) {
  EXPECT_THAT(
      Refusal("- file: /tmp/x\n  content: \"port {{app.port}}\"\n"),
      HasSubstr(Recipe() +
                ":2:18: file[/tmp/x]: field 'content': attribute 'app.port' is not defined"));
}

TEST_F(ValidationTest, AListAttributeIsAWholeFieldOrNothing) {
  // Inside other text, a list has no single value to give.
  EXPECT_THAT(Refusal("- package: x\n  packages: \"a {{names}}\"\n", "names: [a, b]\n"),
              HasSubstr("attribute 'names' is a list; only single values"));
  // A list of maps has no single values at all.
  EXPECT_THAT(Refusal("- package: x\n  packages: \"{{names}}\"\n", "names: [{a: b}]\n"),
              HasSubstr(Recipe() + ":2:13: package[x]: field 'packages': attribute 'names' must "
                                   "be a list of single values"));
}

TEST_F(ValidationTest, UndefinedTemplateVariableNamesTheTemplateLineAndColumn) {
  WriteCookbookFile("templates/site.conf.mustache",
                    "server {\n  listen {{port}};\n  name {{nmae}};\n}\n");
  std::string m = Refusal("- template: \"{{root}}/site.conf\"\n  source: site.conf.mustache\n",
                          "port: \"80\"\n");
  EXPECT_THAT(m, HasSubstr(cookbook_dir() + "/templates/site.conf.mustache:3:8: template[" +
                           root() + "/site.conf]: variable 'nmae' is not defined"));
  EXPECT_FALSE(Exists("site.conf"));
}

TEST_F(ValidationTest, TemplateVariablesInsideSectionsResolveAgainstTheListItems) {
  WriteCookbookFile("templates/t.mustache",
                    "{{#servers}}{{host}}:{{port}} {{/servers}}{{#servers}}{{hots}}{{/servers}}\n");
  std::string m = Refusal("- template: \"{{root}}/t\"\n  source: t.mustache\n",
                          "servers:\n  - {host: a, port: \"1\"}\n");
  EXPECT_THAT(
      m, HasSubstr("t.mustache:1:55: template[" + root() + "/t]: variable 'hots' is not defined"));
  EXPECT_THAT(m, ::testing::Not(HasSubstr("'host'")));
}

TEST_F(ValidationTest, DanglingNotification) {
  std::string m =
      Refusal("- file: /tmp/x\n  content: a\n  notifies: {restart: \"service[nginx]\"}\n");
  EXPECT_THAT(m, HasSubstr(Recipe() +
                           ":3:14: file[/tmp/x]: notifies service[nginx], which is not declared"));
}

TEST_F(ValidationTest, NotificationWithAnActionTheTargetDoesNotHave) {
  std::string m = Refusal(
      "- execute: reload\n  action: nothing\n- file: /tmp/x\n  content: a\n"
      "  notifies: {restart: \"execute[reload]\"}\n");
  EXPECT_THAT(m, HasSubstr(Recipe() +
                           ":5:14: file[/tmp/x]: execute has no action 'restart' (it has: run)"));
}

TEST_F(ValidationTest, UnknownActionAndDuplicateResource) {
  std::string m = Refusal("- file: /tmp/x\n  action: destroy\n- file: /tmp/x\n  content: b\n");
  EXPECT_THAT(m,
              HasSubstr(Recipe() + ":2:11: file[/tmp/x]: field 'action': 'destroy' is not one of"));
  EXPECT_THAT(m, HasSubstr(Recipe() + ":3:3: file[/tmp/x] is declared twice (first at " + Recipe() +
                           ":1:3)"));
}

TEST_F(ValidationTest, YamlSyntaxError) {
  EXPECT_THAT(Refusal("- file: /tmp/x\n  content: [unclosed\n"), HasSubstr(Recipe() + ":3:1"));
}

TEST_F(ValidationTest, SourcesMustStayInsideTheCookbook) {
  std::string m = Refusal("- file: /tmp/x\n  source: ../../etc/shadow\n");
  EXPECT_THAT(
      m, HasSubstr(Recipe() +
                   ":2:11: file[/tmp/x]: field 'source': must name a file inside the cookbook"));
}

TEST_F(ValidationTest, SymbolicLinksOutOfTheCookbookAreRefusedUnread) {
  std::filesystem::create_directories(root() + "/outside");
  Write("outside/secret", "TOPSECRET\n");
  WriteCookbookFile("files/real", "inside\n");
  std::filesystem::create_directories(cookbook_dir() + "/templates");
  for (const auto& [link, target] : std::vector<std::pair<std::string, std::string>>{
           {"files/motd", root() + "/outside/secret"},
           {"files/elsewhere", root() + "/outside"},
           {"templates/t.mustache", root() + "/outside/secret"},
           {"files/alias", "real"}}) {
    ASSERT_EQ(::symlink(target.c_str(), (cookbook_dir() + "/" + link).c_str()), 0) << link;
  }
  std::string m = Refusal(
      "- file: \"{{root}}/a\"\n  source: motd\n"
      "- file: \"{{root}}/b\"\n  source: elsewhere/secret\n"
      "- template: \"{{root}}/c\"\n  source: t.mustache\n"
      "- file: \"{{root}}/d\"\n  source: alias\n");
  EXPECT_THAT(m, HasSubstr(":2:11: file[" + root() +
                           "/a]: field 'source': must name a file inside the cookbook's files/ "
                           "folder: files/motd is a symbolic link that leads out of it"));
  EXPECT_THAT(m, HasSubstr(":4:11: file[" + root() + "/b]: field 'source'"));
  EXPECT_THAT(m, HasSubstr(":6:11: template[" + root() +
                           "/c]: field 'source': must name a file inside the cookbook's "
                           "templates/ folder"));
  EXPECT_THAT(m, Not(HasSubstr("[" + root() + "/d]"))) << "a link that stays inside is fine";
  EXPECT_THAT(m, Not(HasSubstr("TOPSECRET")));
  EXPECT_THAT(m, Not(HasSubstr("outside")));
  EXPECT_FALSE(Exists("a"));
}

TEST_F(ValidationTest, EveryErrorIsReportedAndNothingChanges) {
  std::string m = Refusal(
      "- directory: \"{{root}}/made\"\n- file: \"{{root}}/f\"\n  content: ok\n"
      "- file: /tmp/y\n  bogus: 1\n- template: /tmp/z\n");
  EXPECT_THAT(m, HasSubstr(":5:3:"));
  EXPECT_THAT(m, HasSubstr(":6:3: template[/tmp/z]: field 'source' is required"));
  EXPECT_FALSE(Exists("made"));
  EXPECT_FALSE(Exists("f"));
}

TEST_F(ValidationTest, RolesListCookbooksThatMustExist) {
  WriteCookbookFile("roles/web.yaml", "cookbooks: [base, nope]\n");
  WriteCookbookFile("cookbooks/base/recipe.yaml", "- file: /tmp/x\n  content: a\n");
  LoadOptions options;
  options.path = cookbook_dir();
  options.role = "web";
  absl::StatusOr<RunList> run_list = Load(options);
  ASSERT_FALSE(run_list.ok());
  EXPECT_THAT(std::string(run_list.status().message()),
              HasSubstr(cookbook_dir() + "/roles/web.yaml:1:19: role web: no cookbook 'nope'"));
  options.role = "db";
  EXPECT_THAT(std::string(Load(options).status().message()), HasSubstr("no role 'db'"));
}

TEST_F(ValidationTest, ARoleMayNameACookbookByAnAttribute) {
  // As cachenode does: memcached unless the fleet file says redis.
  WriteCookbookFile("roles/cache.yaml",
                    "cookbooks: [\"{{cache.server}}\"]\nattributes: {cache: {server: small}}\n");
  WriteCookbookFile("cookbooks/small/recipe.yaml", "- file: /tmp/small\n  content: a\n");
  WriteCookbookFile("cookbooks/large/recipe.yaml", "- file: /tmp/large\n  content: a\n");
  LoadOptions options;
  options.path = cookbook_dir();
  options.role = "cache";
  absl::StatusOr<RunList> run_list = Load(options);
  ASSERT_TRUE(run_list.ok()) << run_list.status();
  EXPECT_EQ(run_list->cookbooks, std::vector<std::string>{"small"});
  options.fleet_attributes = {{"cache", {{"server", "large"}}}};
  run_list = Load(options);
  ASSERT_TRUE(run_list.ok()) << run_list.status();
  EXPECT_EQ(run_list->cookbooks, std::vector<std::string>{"large"});
  options.fleet_attributes = {{"cache", {{"server", "none"}}}};
  EXPECT_THAT(std::string(Load(options).status().message()),
              HasSubstr(cookbook_dir() + "/roles/cache.yaml:1:13: role cache: no cookbook 'none'"));
  options.fleet_attributes = {{"cache", {{"server", ""}}}};
  run_list = Load(options);
  ASSERT_TRUE(run_list.ok()) << run_list.status();
  EXPECT_TRUE(run_list->cookbooks.empty()) << "an attribute that names none adds none";
  WriteCookbookFile("roles/cache.yaml", "cookbooks: [\"{{cache.kind}}\"]\n");
  EXPECT_THAT(std::string(Load(options).status().message()),
              HasSubstr("attribute 'cache.kind' is not defined"));
}

}  // namespace
}  // namespace dm::cookbook
