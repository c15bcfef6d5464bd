// Fleets end to end on real local servers (ctest label "fleet"; needs root): dmctl up from
// nothing builds a load balancer, two app nodes and a database server from a fleet file, wires
// them together, points the embedded PowerDNS at the load balancer and serves the guestbook;
// what is written is kept through scaling the app nodes down and up, a rolling deploy, a failed
// deploy and a rollback; a second up and a plan change nothing; a controller with a newer agent
// upgrades every server's agent on the next up. Beside it an all-in-one fleet is
// split into an appbalancer and a dbserver (rows counted before and after), backed up to a real
// OpenStack Swift, destroyed and rebuilt from the backup with every row; maintenance mode; dmctl
// down removes everything.
#include <unistd.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/files.h"
#include "common/temp_dir.h"
#include "tests/harness/local_servers_fixture.h"
#include "tests/harness/local_swift.h"

namespace dm::testing {
namespace {

class FleetLifecycleTest : public LocalServersTest {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root";
    // Backups go to a real OpenStack Swift, as an operator's would.
    ASSERT_TRUE(LocalSwift::Installed())
        << "Debian's swift servers and memcached: run scripts/install-deps";
    absl::Status swift = swift_.Start();
    ASSERT_TRUE(swift.ok()) << swift;
    // Written before the controller (and the test's folder) exists.
    const std::string store = store_dir_.path() + "/backup-store.yaml";
    ASSERT_TRUE(WriteFileAtomic(store,
                                absl::StrCat("type: swift\nauth_url: ", swift_.endpoint(),
                                             "/auth/v1.0\nuser: ", LocalSwift::kUser, "\nkey: ",
                                             LocalSwift::kKey, "\ncontainer: dm-fleets\n"),
                                0600)
                    .ok());
    dns_port_ = 26000 + ::getpid() % 2000;
    // The controller has no cookbooks of its own: dmctl sends them from beside the fleet file.
    send_deploy_folder_ = true;
    SetUpWith({"--dns-listen", absl::StrCat("127.0.0.1:", dns_port_), "--backup-store", store});
    if (IsSkipped()) return;
    commit_ = MakeAppRepository();
  }

  nlohmann::json Status(const std::string& fleet) {
    CommandResult r = Dmctl({"status", fleet, "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return nlohmann::json::parse(r.out, nullptr, false);
  }

  LocalSwift swift_;
  TempDir store_dir_;
  std::string commit_;
};

TEST_F(FleetLifecycleTest, UpScaleDeployRollbackAndDown) {
  const std::string shop = WriteFleet("shop", "  dbserver: 1\n  appnode: 2\n  loadbalancer: 1\n");

  CommandResult plan = Dmctl({"plan", shop});
  ASSERT_EQ(plan.exit_code, 0) << plan.out << plan.err;
  EXPECT_TRUE(absl::StrContains(plan.out, "shop-appnode-2")) << plan.out;
  EXPECT_TRUE(absl::StrContains(plan.out, "boot: planned")) << plan.out;
  // The roles and cookbooks beside the file went to the controller, which has none of its own.
  EXPECT_TRUE(absl::StrContains(plan.err, "new files sent")) << plan.err;
  EXPECT_TRUE(Servers().empty()) << "plan boots nothing";

  // Mostly apt through the proxy: PostgreSQL, nginx, gunicorn and Flask, on four hosts at once.
  CommandResult up = Dmctl({"up", shop}, "", absl::Minutes(15));
  ASSERT_EQ(up.exit_code, 0) << up.out << up.err << AllLogs();
  EXPECT_FALSE(absl::StrContains(up.err, "files sent"))
      << "the controller had them all: " << up.err;
  EXPECT_TRUE(absl::StrContains(up.out, "answered 200 through")) << up.out;

  nlohmann::json status = Status("shop");
  ASSERT_EQ(status.size(), 4u) << status.dump(2);
  std::map<std::string, std::string> address;
  for (const nlohmann::json& s : status) {
    EXPECT_EQ(s["agent"], "connected") << s.dump();
    EXPECT_EQ(s["last_run"]["status"], "converged") << s.dump();
    address[s["role"].get<std::string>() + "-" + s["name"].get<std::string>().back()] =
        s["address"];
  }
  const std::string lb = address["loadbalancer-1"];
  const std::string db = address["dbserver-1"];
  ASSERT_FALSE(lb.empty());

  // DNS: the embedded PowerDNS answers with the load balancer.
  EXPECT_EQ(Dig("www.shop.test"), lb);
  EXPECT_EQ(Dig("shop.test"), lb);

  // The site, through the load balancer: writes reach the database server, both app nodes serve.
  std::string url = "http://" + lb + "/";
  EXPECT_EQ(Sh("curl -s -m 10 -o /dev/null -w '%{http_code}' -d name=ops -d message=hello " + url +
               "sign")
                .output,
            "303");
  EXPECT_EQ(Sh("curl -s -m 10 -o /dev/null -w '%{http_code}' -d name=dev -d message=again " + url +
               "sign")
                .output,
            "303");
  std::set<std::string> served_by;
  for (int i = 0; i < 8; ++i) {
    std::string page = Sh("curl -sf -m 10 " + url).output;
    EXPECT_TRUE(absl::StrContains(page, "2 entries")) << page;
    EXPECT_TRUE(absl::StrContains(page, "<li><b>ops</b>: hello</li>")) << page;
    size_t at = page.find("served by ");
    if (at != std::string::npos)
      served_by.insert(page.substr(at + 10, page.find_first_of(";<", at) - at - 10));
  }
  EXPECT_EQ(served_by, (std::set<std::string>{"shop-appnode-1", "shop-appnode-2"}));
  EXPECT_EQ(Sh("curl -sf -m 10 " + url + "version").output, commit_ + "\n")
      << "the commit `main` named";
  // Static files come from the load balancer itself (nginx's cache header; Flask sets none).
  const std::string css = ReadFile(Path("app/static/guestbook.css")).value_or("?");
  EXPECT_EQ(Sh("curl -sf -m 10 " + url + "static/guestbook.css").output, css);
  EXPECT_TRUE(absl::StrContains(
      Sh("curl -sf -m 10 -o /dev/null -D - " + url + "static/guestbook.css").output,
      "Cache-Control: max-age=3600"));
  EXPECT_FALSE(absl::StrContains(
      Sh("curl -s -m 10 --path-as-is " + url + "static/../guestbook.py").output, "import"))
      << "only the static folder is served";

  // Wiring and least privilege: the database admits the app nodes only, and the load balancer
  // cannot reach it.
  CommandResult hba =
      Dmctl({"exec", "shop-dbserver-1", "--", "cat", "/etc/postgresql/15/main/pg_hba.conf"});
  EXPECT_TRUE(absl::StrContains(hba.out, address["appnode-1"] + "/32")) << hba.out;
  EXPECT_TRUE(absl::StrContains(hba.out, address["appnode-2"] + "/32")) << hba.out;
  EXPECT_FALSE(absl::StrContains(hba.out, lb + "/32")) << hba.out;
  CommandResult probe = Dmctl({"exec", "shop-loadbalancer-1", "--", "timeout", "3", "bash", "-c",
                               "echo > /dev/tcp/" + db + "/5432"});
  EXPECT_NE(probe.exit_code, 0) << "the load balancer reached PostgreSQL: " << probe.out;
  CommandResult from_app = Dmctl({"exec", "shop-appnode-1", "--", "timeout", "3", "bash", "-c",
                                  "echo > /dev/tcp/" + db + "/5432"});
  EXPECT_EQ(from_app.exit_code, 0) << from_app.out << from_app.err;

  // Scale the app nodes down and up again: the load balancer follows, the data stays.
  CommandResult down_to_one = Dmctl({"scale", shop, "appnode=1"}, "", absl::Minutes(5));
  ASSERT_EQ(down_to_one.exit_code, 0) << down_to_one.out << down_to_one.err;
  EXPECT_TRUE(absl::StrContains(ReadFile(shop).value_or(""), "appnode: 1\n")) << "the file follows";
  EXPECT_EQ(Status("shop").size(), 3u);
  for (int i = 0; i < 4; ++i) {
    std::string page = Sh("curl -sf -m 10 " + url).output;
    EXPECT_TRUE(absl::StrContains(page, "served by shop-appnode-1")) << page;
    EXPECT_TRUE(absl::StrContains(page, "2 entries")) << page;
  }

  // A rolling deploy of a new commit, a failing one that changes nothing, and a rollback.
  const std::string v1 = commit_;
  const std::string v2 = CommitToApp(
      "sed -i 's|<h1>Guestbook</h1>|<h1>Guestbook v2</h1>|' guestbook.py && "
      "echo '/* v2 */' >> static/guestbook.css",
      "v2");
  CommandResult deploy = Dmctl({"deploy", "shop"}, "", absl::Minutes(5));
  ASSERT_EQ(deploy.exit_code, 0) << deploy.out << deploy.err;
  EXPECT_EQ(Sh("curl -sf -m 10 " + url + "version").output, v2 + "\n");
  EXPECT_TRUE(absl::StrContains(Sh("curl -sf -m 10 " + url).output, "Guestbook v2"));
  EXPECT_TRUE(
      absl::StrContains(Sh("curl -sf -m 10 " + url + "static/guestbook.css").output, "/* v2 */"))
      << "the load balancer's static files follow the deploy";
  CommitToApp("echo 'this is not python' >> guestbook.py", "v3, broken");
  CommandResult broken = Dmctl({"deploy", "shop", "--rev", "main"}, "", absl::Minutes(5));
  EXPECT_EQ(broken.exit_code, 1) << broken.out;
  EXPECT_TRUE(absl::StrContains(broken.err, v2.substr(0, 12) + " keeps serving")) << broken.err;
  EXPECT_EQ(Sh("curl -sf -m 10 " + url + "version").output, v2 + "\n");
  CommandResult rollback = Dmctl({"rollback", "shop"}, "", absl::Minutes(5));
  ASSERT_EQ(rollback.exit_code, 0) << rollback.out << rollback.err;
  EXPECT_EQ(Sh("curl -sf -m 10 " + url + "version").output, v1 + "\n");

  CommandResult up_to_two = Dmctl({"scale", shop, "appnode=2"}, "", absl::Minutes(5));
  ASSERT_EQ(up_to_two.exit_code, 0) << up_to_two.out << up_to_two.err;
  EXPECT_EQ(Status("shop").size(), 4u);
  served_by.clear();
  for (int i = 0; i < 8; ++i) {
    std::string page = Sh("curl -sf -m 10 " + url).output;
    EXPECT_TRUE(absl::StrContains(page, "2 entries")) << page;
    size_t at = page.find("served by ");
    if (at != std::string::npos)
      served_by.insert(page.substr(at + 10, page.find_first_of(";<", at) - at - 10));
  }
  EXPECT_EQ(served_by, (std::set<std::string>{"shop-appnode-1", "shop-appnode-2"}))
      << "the new node runs v1 too";
  EXPECT_EQ(Sh("curl -sf -m 10 " + url + "version").output, v1 + "\n");

  // Again: nothing to do, nothing done.
  CommandResult again = Dmctl({"up", shop}, "", absl::Minutes(5));
  ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_TRUE(absl::StrContains(again.out, "nothing changed")) << again.out;
  CommandResult replan = Dmctl({"plan", "shop"});
  EXPECT_TRUE(absl::StrContains(replan.out, "plan: nothing to do")) << replan.out;

  // A controller with a newer dm-agent (here: the same program with bytes appended, so another
  // package): the plan says so, and up upgrades every server's agent and changes nothing else.
  auto installed_agent = [&](const std::string& server) {
    return Dmctl({"exec", server, "--", "dpkg-query", "-W", "-f=${Version}", "dm-agent"}).out;
  };
  const std::string old_agent = installed_agent("shop-appnode-1");
  const std::string newer_agent = Path("dm-agent-newer");
  ASSERT_TRUE(Sh(absl::StrCat("cp ", BinaryPath("dm-agent"), " ", newer_agent, " && echo newer >> ",
                              newer_agent))
                  .ok());
  RestartController({"--agent-binary", newer_agent});
  for (const char* name :
       {"shop-dbserver-1", "shop-appnode-1", "shop-appnode-2", "shop-loadbalancer-1"}) {
    ASSERT_TRUE(WaitForAgentState(name, "connected", absl::Seconds(30)))
        << name << " did not come back";
  }
  CommandResult upgrade_plan = Dmctl({"plan", "shop"});
  EXPECT_TRUE(absl::StrContains(upgrade_plan.out, "upgrade its agent")) << upgrade_plan.out;
  CommandResult upgraded = Dmctl({"up", shop}, "", absl::Minutes(5));
  ASSERT_EQ(upgraded.exit_code, 0) << upgraded.out << upgraded.err;
  EXPECT_TRUE(absl::StrContains(upgraded.out, "upgrading its agent")) << upgraded.out;
  EXPECT_FALSE(absl::StrContains(upgraded.out, "converge: changed"))
      << "only the agents change: " << upgraded.out;
  for (const nlohmann::json& s : Status("shop")) {
    const std::string name = s["name"];
    EXPECT_EQ(s["agent"], "connected") << name;
    std::string now = installed_agent(name);
    EXPECT_NE(now, old_agent) << name << " still runs the old agent";
    EXPECT_TRUE(absl::StartsWith(now, old_agent.substr(0, old_agent.find('+')))) << now;
  }
  EXPECT_TRUE(absl::StrContains(Dmctl({"plan", "shop"}).out, "plan: nothing to do"));

  // The seed's starting point beside it: everything on one host, its own DNS zone.
  const std::string allinone = WriteFleet("solo", "  dbappbalancer: 1\n", v1);
  CommandResult solo = Dmctl({"up", allinone}, "", absl::Minutes(10));
  ASSERT_EQ(solo.exit_code, 0) << solo.out << solo.err;
  std::string solo_address = Status("solo")[0]["address"];
  EXPECT_EQ(Dig("www.solo.test"), solo_address);
  for (const char* who : {"one", "two", "three"}) {
    EXPECT_EQ(Sh(absl::StrCat("curl -s -m 10 -o /dev/null -w '%{http_code}' -d name=", who,
                              " -d message=hi http://", solo_address, "/sign"))
                  .output,
              "303");
  }
  EXPECT_TRUE(
      absl::StrContains(Sh("curl -sf -m 10 http://" + solo_address + "/").output, "3 entries"));
  EXPECT_EQ(Dig("www.shop.test"), lb) << "one fleet's up leaves the other's records";

  // Split: the database moves to a server of its own; no row is lost; DNS follows.
  CommandResult split = Dmctl({"split", allinone, "--keep-old", "0"}, "", absl::Minutes(10));
  ASSERT_EQ(split.exit_code, 0) << split.out << split.err;
  EXPECT_TRUE(absl::StrContains(split.out, "rows entries=3 before and after")) << split.out;
  EXPECT_TRUE(absl::StrContains(split.out, "downtime ")) << split.out;
  EXPECT_TRUE(
      absl::StrContains(ReadFile(allinone).value_or(""), "appbalancer: 1\n  dbserver: 1\n"));
  std::map<std::string, std::string> solo_roles;
  for (const nlohmann::json& s : Status("solo")) solo_roles[s["role"]] = s["address"];
  ASSERT_EQ(solo_roles.size(), 2u);
  const std::string solo_lb = solo_roles["appbalancer"];
  EXPECT_EQ(Dig("www.solo.test"), solo_lb);
  EXPECT_TRUE(absl::StrContains(Sh("curl -sf -m 10 http://" + solo_lb + "/").output, "3 entries"));

  // A backup, then every server destroyed and the fleet rebuilt from it: nothing lost.
  CommandResult backup = Dmctl({"backup", "create", "solo"}, "", absl::Minutes(2));
  ASSERT_EQ(backup.exit_code, 0) << backup.out << backup.err;
  CommandResult listed = Dmctl({"backup", "list", "solo", "--json"});
  nlohmann::json backups = nlohmann::json::parse(listed.out, nullptr, false);
  ASSERT_EQ(backups.size(), 1u) << listed.out;
  EXPECT_EQ(backups[0]["rows"], "entries=3");
  EXPECT_FALSE(PathExists(Path("ctl/backups")))
      << "backups go to Swift, none to the controller's disk";
  ASSERT_EQ(Dmctl({"down", "solo", "--yes"}, "", absl::Minutes(2)).exit_code, 0);
  EXPECT_EQ(Dig("www.solo.test"), "");
  CommandResult rebuilt = Dmctl({"up", allinone, "--restore", "latest"}, "", absl::Minutes(10));
  ASSERT_EQ(rebuilt.exit_code, 0) << rebuilt.out << rebuilt.err;
  EXPECT_TRUE(absl::StrContains(rebuilt.out, "entries=3")) << rebuilt.out;
  for (const nlohmann::json& s : Status("solo")) solo_roles[s["role"]] = s["address"];
  EXPECT_TRUE(absl::StrContains(
      Sh("curl -sf -m 10 http://" + solo_roles["appbalancer"] + "/").output, "3 entries"));

  // The second split: the appbalancer becomes a load balancer and an app node; no row moves.
  CommandResult second = Dmctl({"split", allinone, "--keep-old", "0"}, "", absl::Minutes(10));
  ASSERT_EQ(second.exit_code, 0) << second.out << second.err;
  EXPECT_TRUE(absl::StrContains(ReadFile(allinone).value_or(""),
                                "loadbalancer: 1\n  appnode: 1\n  dbserver: 1\n"))
      << ReadFile(allinone).value_or("");
  solo_roles.clear();
  for (const nlohmann::json& s : Status("solo")) solo_roles[s["role"]] = s["address"];
  ASSERT_EQ(solo_roles.size(), 3u);
  EXPECT_EQ(Dig("www.solo.test"), solo_roles["loadbalancer"]);
  EXPECT_TRUE(absl::StrContains(
      Sh("curl -sf -m 10 http://" + solo_roles["loadbalancer"] + "/").output, "3 entries"));
  solo_roles["appbalancer"] = solo_roles["loadbalancer"];

  // Maintenance: the page (503) instead of the site, and back.
  ASSERT_EQ(Dmctl({"maintenance", "solo", "on"}, "", absl::Minutes(2)).exit_code, 0);
  EXPECT_EQ(
      Sh("curl -s -m 10 -o /dev/null -w '%{http_code}' http://" + solo_roles["appbalancer"] + "/")
          .output,
      "503");
  ASSERT_EQ(Dmctl({"maintenance", "solo", "off"}, "", absl::Minutes(2)).exit_code, 0);
  EXPECT_EQ(
      Sh("curl -s -m 10 -o /dev/null -w '%{http_code}' http://" + solo_roles["appbalancer"] + "/")
          .output,
      "200");

  // Down: asks for --yes off a terminal, then removes servers and records.
  EXPECT_EQ(Dmctl({"down", "solo"}).exit_code, 2);
  CommandResult down = Dmctl({"down", "solo", "--yes"}, "", absl::Minutes(2));
  ASSERT_EQ(down.exit_code, 0) << down.out << down.err;
  EXPECT_EQ(Dig("www.solo.test"), "");
  EXPECT_EQ(Dmctl({"status", "solo"}).exit_code, 1);
  for (const nlohmann::json& s : Servers()) EXPECT_NE(s["fleet"], "solo") << s.dump();
  ASSERT_EQ(Dmctl({"down", "shop", "--yes"}, "", absl::Minutes(2)).exit_code, 0);
  EXPECT_TRUE(Servers().empty());
}

TEST_F(FleetLifecycleTest, ABadFleetFileIsRefusedWithItsLineAndField) {
  std::string path = Path("bad.yaml");
  ASSERT_TRUE(
      WriteFileAtomic(path,
                      "name: Shop\ndomain: shop.test\nroles:\n  appnode: 2\n  webserver: 1\n"
                      "app:\n  repository: app\n  revison: main\n",
                      0644)
          .ok());
  CommandResult r = Dmctl({"plan", path});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(
      absl::StrContains(r.err, path + ":1:7: fleet: field 'name': must be 1 to 15 lower-case"))
      << r.err;
  EXPECT_TRUE(absl::StrContains(r.err, path + ":5:3: fleet: roles: webserver: no role 'webserver'"))
      << r.err;
  EXPECT_TRUE(absl::StrContains(r.err, "loadbalancer")) << "the roles there are: " << r.err;
  EXPECT_TRUE(absl::StrContains(r.err, "revison")) << r.err;
  EXPECT_TRUE(Servers().empty());
}

}  // namespace
}  // namespace dm::testing
