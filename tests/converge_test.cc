// dmctl converge against real agents: cookbooks from the controller's deploy folder, sent as a
// content-addressed bundle over the agent stream, converged in parallel, reports stored.
#include <filesystem>
#include <fstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/files.h"
#include "tests/harness/fleet_fixture.h"

namespace dm::testing {
namespace {

class ConvergeTest : public FleetTest {
 protected:
  void SetUp() override {
    FleetTest::SetUp();
    // The agents share this machine: the recipe writes under {{base}}/{{host}}, and each test
    // sets `host` so that runs do not collide.
    WriteDeploy("roles/web.yaml", "cookbooks: [site]\n");
    WriteDeploy("cookbooks/site/attributes.yaml",
                "greeting: hello\nhost: default\nbase: " + Path("hosts") + "\n");
    WriteDeploy("cookbooks/site/recipe.yaml",
                "- directory: \"{{base}}/{{host}}\"\n  recursive: true\n"
                "- template: \"{{base}}/{{host}}/index.html\"\n  source: index.html.mustache\n");
    WriteDeploy("cookbooks/site/templates/index.html.mustache",
                "<h1>{{greeting}} from {{host}}</h1>\n");
    StartController("ctl", {"--deploy-dir", Path("deploy")});
    std::string token = CreateToken({"--uses", "2", "--role", "web"});
    for (const char* name : {"web-1", "web-2"}) {
      StartAgent(name, token);
      ASSERT_TRUE(WaitForAgentState(name, "connected"));
    }
  }

  void WriteDeploy(const std::string& relative, const std::string& text) {
    std::filesystem::path p = Path("deploy/" + relative);
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p) << text;
  }

  std::string Page(const std::string& host) {
    return ReadFile(Path("hosts/" + host + "/index.html")).value_or("");
  }
};

TEST_F(ConvergeTest, ConvergesEveryAgentOfARoleAndStoresTheRuns) {
  // Both agents write the same page: same bytes, so whichever runs second changes nothing.
  WriteDeploy("cookbooks/site/attributes.yaml",
              "greeting: hello\nhost: shared\nbase: " + Path("hosts") + "\n");
  CommandResult r = Dmctl({"converge", "--role", "web", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  nlohmann::json runs = nlohmann::json::parse(r.out);
  ASSERT_EQ(runs.size(), 2u);
  for (const auto& run : runs) {
    EXPECT_EQ(run["status"], "converged") << run.dump();
    EXPECT_EQ(run["role"], "web");
    EXPECT_EQ(run["resources"], 2);
  }
  EXPECT_EQ(Page("shared"), "<h1>hello from shared</h1>\n");

  CommandResult list = Dmctl({"runs", "list", "--json"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_EQ(nlohmann::json::parse(list.out).size(), 2u);

  std::string id = runs[0]["id"];
  CommandResult show = Dmctl({"runs", "show", id, "--json"});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  nlohmann::json shown = nlohmann::json::parse(show.out);
  EXPECT_EQ(shown["report"]["totals"]["resources"], 2);
  EXPECT_EQ(shown["report"]["resources"][1]["type"], "template");
  CommandResult text = Dmctl({"runs", "show", id});
  EXPECT_TRUE(absl::StrContains(text.out, "converged: 2 resources")) << text.out;
}

TEST_F(ConvergeTest, UnchangedCookbooksAreNotSentAgainAndChangeNothing) {
  WriteDeploy("cookbooks/site/attributes.yaml",
              "greeting: hello\nhost: web-1\nbase: " + Path("hosts") + "\n");
  ASSERT_EQ(Dmctl({"converge", "web-1"}).exit_code, 0);
  CommandResult again = Dmctl({"converge", "web-1", "--json"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(nlohmann::json::parse(again.out)[0]["changed"], 0);
  std::string log = agent("web-1")->Log();
  EXPECT_TRUE(absl::StrContains(log, "4 of 4 cookbook files to fetch")) << log;
  EXPECT_TRUE(absl::StrContains(log, "0 of 4 cookbook files to fetch")) << log;

  // One changed file: only its blob travels.
  WriteDeploy("cookbooks/site/templates/index.html.mustache", "<h1>{{greeting}}, {{host}}!</h1>\n");
  CommandResult changed = Dmctl({"converge", "web-1", "--json"});
  ASSERT_EQ(changed.exit_code, 0) << changed.err;
  EXPECT_EQ(nlohmann::json::parse(changed.out)[0]["changed"], 1);
  EXPECT_TRUE(absl::StrContains(agent("web-1")->Log(), "1 of 4 cookbook files to fetch"));
  EXPECT_EQ(Page("web-1"), "<h1>hello, web-1!</h1>\n");
}

TEST_F(ConvergeTest, FleetAttributesOverrideTheRolesAndCookbooks) {
  WriteDeploy("cookbooks/site/attributes.yaml",
              "greeting: hello\nhost: fleet\nbase: " + Path("hosts") + "\n");
  CommandResult r = Dmctl({"converge", "web-1", "--attr", "greeting=good evening", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(Page("fleet"), "<h1>good evening from fleet</h1>\n");
  EXPECT_EQ(Dmctl({"converge", "web-1", "--attr", "nonsense"}).exit_code, 2);
}

TEST_F(ConvergeTest, DryRunChangesNothing) {
  WriteDeploy("cookbooks/site/attributes.yaml",
              "greeting: hello\nhost: web-2\nbase: " + Path("hosts") + "\n");
  CommandResult r = Dmctl({"converge", "web-2", "--dry-run", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json run = nlohmann::json::parse(r.out)[0];
  EXPECT_EQ(run["changed"], 2);
  EXPECT_TRUE(run["dry_run"].get<bool>());
  EXPECT_FALSE(PathExists(Path("hosts/web-2")));
}

TEST_F(ConvergeTest, InvalidCookbooksAreReportedWithTheirPositionAndChangeNothing) {
  WriteDeploy("cookbooks/site/recipe.yaml", "- directory: \"{{base}}/x\"\n- fiel: /tmp/y\n");
  CommandResult r = Dmctl({"converge", "web-1", "--json"});
  EXPECT_EQ(r.exit_code, 1);
  nlohmann::json run = nlohmann::json::parse(r.out)[0];
  EXPECT_EQ(run["status"], "invalid");
  EXPECT_TRUE(absl::StrContains(run["message"].get<std::string>(),
                                "cookbooks/site/recipe.yaml:2:3: unknown resource type 'fiel'"))
      << run.dump();
  EXPECT_FALSE(PathExists(Path("hosts/x")));
}

TEST_F(ConvergeTest, AFailingResourceFailsTheRunWithItsReport) {
  WriteDeploy("cookbooks/site/recipe.yaml", "- execute: \"echo broken >&2; exit 4\"\n");
  CommandResult r = Dmctl({"converge", "web-1"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(absl::StrContains(r.out, "failed")) << r.out;
  CommandResult list = Dmctl({"runs", "list", "--agent", "web-1", "--json"});
  nlohmann::json run = nlohmann::json::parse(list.out)[0];
  EXPECT_EQ(run["status"], "failed");
  CommandResult show = Dmctl({"runs", "show", run["id"]});
  EXPECT_TRUE(absl::StrContains(show.out, "exit code 4")) << show.out;
}

TEST_F(ConvergeTest, AgentsWithoutARoleOrUnknownRolesAreNotRun) {
  std::string plain = CreateToken();
  StartAgent("no-role", plain);
  ASSERT_TRUE(WaitForAgentState("no-role", "connected"));
  CommandResult r = Dmctl({"converge", "no-role", "--json"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(absl::StrContains(r.out, "has no role")) << r.out;
  CommandResult usage = Dmctl({"converge"});
  EXPECT_EQ(usage.exit_code, 2);
}

TEST_F(ConvergeTest, RunsSurviveAControllerRestart) {
  WriteDeploy("cookbooks/site/attributes.yaml",
              "greeting: hello\nhost: web-1\nbase: " + Path("hosts") + "\n");
  ASSERT_EQ(Dmctl({"converge", "web-1"}).exit_code, 0);
  ASSERT_EQ(StopController(SIGKILL), 128 + SIGKILL);
  StartController("ctl", {"--deploy-dir", Path("deploy")});
  CommandResult list = Dmctl({"runs", "list", "--json"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_EQ(nlohmann::json::parse(list.out)[0]["status"], "converged");
}

}  // namespace
}  // namespace dm::testing
