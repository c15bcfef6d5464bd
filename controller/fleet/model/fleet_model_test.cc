// Fleet files and their wiring: parsed from a fleet file (every problem at its position), each
// host gets the addresses of what it uses, and each port is opened only to the hosts that use it.
#include "controller/fleet/model/fleet_layout.h"

#include "controller/fleet/model/backup_schedule.h"

#include <gtest/gtest.h>

#include "absl/strings/match.h"

namespace dm {
namespace {

const std::string kDeploy = std::string(DM_SOURCE_DIR) + "/deploy";

FleetFile Parse(const std::string& text) {
  absl::StatusOr<FleetFile> file = ParseFleetFile(text, "/srv/fleets/shop.yaml", kDeploy);
  EXPECT_TRUE(file.ok()) << file.status();
  return file.ok() ? *file : FleetFile{};
}

constexpr char kShop[] = R"(name: shop
domain: shop.test
roles:
  dbserver: 1
  cachenode: 1
  appnode: 2
  loadbalancer: 1
app:
  repository: ../apps/guestbook
  path: src
  revision: v2
  name: guestbook
  wsgi: guestbook:app
  workers: 4
  packages: [python3-flask]
  env:
    GUESTBOOK_MODE: production
    GUESTBOOK_SECRET_KEY: {secret: guestbook.secret_key}
  migrate: python3 guestbook.py migrate
  static: static
attributes:
  memcached: {memory_mb: "128"}
secrets:
  database.password: {generate: 32}
  guestbook.secret_key: {generate: 48}
)";

TEST(FleetFileTest, ReadsRolesAppAttributesAndSecrets) {
  FleetFile file = Parse(kShop);
  EXPECT_EQ(file.name, "shop");
  ASSERT_EQ(file.roles.size(), 4u);
  EXPECT_EQ(file.roles[2].role, "appnode");
  EXPECT_EQ(file.roles[2].count, 2);
  EXPECT_EQ(file.app.repository, "/srv/fleets/../apps/guestbook") << "relative to the fleet file";
  EXPECT_EQ(file.app.path, "src");
  EXPECT_EQ(file.app.name, "guestbook");
  EXPECT_EQ(file.app.server, "gunicorn");
  EXPECT_EQ(file.app.entry, "guestbook:app");
  EXPECT_EQ(file.app.workers, 4);
  EXPECT_EQ(file.app.port, 8000) << "the default";
  EXPECT_EQ(file.app.health, "/health") << "the default";
  EXPECT_EQ(file.app.packages, std::vector<std::string>{"python3-flask"});
  ASSERT_EQ(file.app.env.size(), 2u);
  EXPECT_EQ(file.app.env[0].name, "GUESTBOOK_MODE");
  EXPECT_EQ(file.app.env[0].value, "production");
  EXPECT_EQ(file.app.env[1].secret, "guestbook.secret_key");
  EXPECT_EQ(file.app.migrate, "python3 guestbook.py migrate");
  EXPECT_EQ(file.app.static_dir, "static");
  EXPECT_EQ(file.attributes["memcached"]["memory_mb"], "128");
  ASSERT_EQ(file.secrets.size(), 2u);
  EXPECT_EQ(file.secrets[0].generate, 32);
}

TEST(FleetFileTest, ACountIsRewrittenInPlaceKeepingComments) {
  std::string text =
      "name: shop  # the shop\ndomain: shop.test\nroles:\n  dbserver: 1\n  appnode: 2   # two\n"
      "app: {repository: /r, wsgi: 'a:app'}\n";
  FleetFile file = Parse(text);
  absl::StatusOr<std::string> scaled =
      ReplaceScalarAt(text, file.Find("appnode")->count_mark, "2", "12");
  ASSERT_TRUE(scaled.ok()) << scaled.status();
  EXPECT_EQ(
      *scaled,
      "name: shop  # the shop\ndomain: shop.test\nroles:\n  dbserver: 1\n  appnode: 12   # two\n"
      "app: {repository: /r, wsgi: 'a:app'}\n");
  EXPECT_FALSE(ReplaceScalarAt(text, file.Find("appnode")->count_mark, "3", "4").ok());
}

TEST(FleetFileTest, ASplitRenamesTheRoleAndAddsTheNewOneBesideIt) {
  std::string block =
      "name: s\ndomain: s.test\nroles:\n  dbappbalancer: 1   # all in one\napp: {repository: /r, "
      "wsgi: 'a:app'}\n";
  absl::StatusOr<std::string> split =
      SplitRole(block, *Parse(block).Find("dbappbalancer"), "appbalancer", "dbserver");
  ASSERT_TRUE(split.ok()) << split.status();
  EXPECT_EQ(*split,
            "name: s\ndomain: s.test\nroles:\n  appbalancer: 1   # all in one\n  dbserver: 1\napp: "
            "{repository: /r, wsgi: 'a:app'}\n");
  std::string flow =
      "name: s\ndomain: s.test\nroles: {dbappbalancer: 1}\napp: {repository: /r, wsgi: 'a:app'}\n";
  split = SplitRole(flow, *Parse(flow).Find("dbappbalancer"), "appbalancer", "dbserver");
  ASSERT_TRUE(split.ok()) << split.status();
  EXPECT_EQ(*split,
            "name: s\ndomain: s.test\nroles: {appbalancer: 1, dbserver: 1}\napp: {repository: /r, "
            "wsgi: 'a:app'}\n");
  EXPECT_TRUE(ParseFleetFile(*split, "f.yaml", kDeploy).ok());
}

TEST(FleetFileTest, EveryProblemIsReportedWithItsPosition) {
  absl::StatusOr<FleetFile> file = ParseFleetFile(
      "name: shop\ndomain: Shop..test\nroles:\n  dbserver: 2\n  appnode: many\napp:\n  repository: "
      "x\n  path: ../up\n"
      "secrets:\n  database.password: hunter2\ncolour: blue\n",
      "f.yaml", kDeploy);
  ASSERT_FALSE(file.ok());
  std::string m(file.status().message());
  EXPECT_TRUE(absl::StrContains(m, "f.yaml:2:9: fleet: field 'domain': must be a DNS name")) << m;
  EXPECT_TRUE(
      absl::StrContains(m, "f.yaml:5:12: fleet: roles: appnode: the count must be a number"))
      << m;
  EXPECT_TRUE(absl::StrContains(m, "f.yaml:8:9: fleet: app: field 'path': must be a folder inside"))
      << m;
  EXPECT_TRUE(absl::StrContains(
      m, "f.yaml:10:22: fleet: secrets: database.password: must be {generate: LENGTH}"))
      << m;
  EXPECT_TRUE(absl::StrContains(m, "unknown field 'colour'")) << m;
}

TEST(FleetFileTest, AnUnknownRoleIsNamedWithTheRolesThereAre) {
  absl::StatusOr<FleetFile> file =
      ParseFleetFile("name: shop\ndomain: shop.test\nroles:\n  dbserver: 1\n  loadbalancr: 1\n",
                     "f.yaml", kDeploy);
  ASSERT_FALSE(file.ok());
  std::string m(file.status().message());
  EXPECT_TRUE(
      absl::StrContains(m, "f.yaml:5:3: fleet: roles: loadbalancr: no role 'loadbalancr' (roles: "))
      << m;
  EXPECT_TRUE(absl::StrContains(m, "dbserver, example, loadbalancer, lognode, tasknode;")) << m;
}

TEST(FleetFileTest, AFleetHasOneDatabaseAndAnAppNeedsIt) {
  absl::StatusOr<FleetFile> two =
      ParseFleetFile("name: a\ndomain: a.test\nroles: {dbserver: 2}\n", "f.yaml", kDeploy);
  EXPECT_TRUE(
      absl::StrContains(two.status().message(), "at most one server may provide the database"))
      << two.status();
  absl::StatusOr<FleetFile> none = ParseFleetFile(
      "name: a\ndomain: a.test\nroles: {appnode: 1}\napp: {repository: /r, wsgi: 'a:app'}\n",
      "f.yaml", kDeploy);
  EXPECT_TRUE(absl::StrContains(none.status().message(), "the app needs a database"))
      << none.status();
}

TEST(FleetFileTest, ALoadBalancerNeedsAppNodes) {
  absl::StatusOr<FleetFile> alone = ParseFleetFile(
      "name: a\ndomain: a.test\nroles: {loadbalancer: 1, dbserver: 1}\n", "f.yaml", kDeploy);
  EXPECT_TRUE(absl::StrContains(alone.status().message(),
                                "f.yaml:3:8: fleet: roles: a load balancer needs app nodes"))
      << alone.status();
}

TEST(FleetFileTest, DeploySettleAndWatchHaveDefaultsAndAreChecked) {
  FleetFile plain = Parse("name: a\ndomain: a.test\nroles: {dbserver: 1}\n");
  EXPECT_EQ(plain.deploy.settle, absl::ZeroDuration()) << "from the checks' beat";
  EXPECT_EQ(plain.deploy.watch, absl::Minutes(2));
  FleetFile set =
      Parse("name: a\ndomain: a.test\nroles: {dbserver: 1}\ndeploy: {settle: 30s, watch: 5m}\n");
  EXPECT_EQ(set.deploy.settle, absl::Seconds(30));
  EXPECT_EQ(set.deploy.watch, absl::Minutes(5));
  absl::StatusOr<FleetFile> bad = ParseFleetFile(
      "name: a\ndomain: a.test\nroles: {dbserver: 1}\ndeploy: {watch: soon, wait: 1}\n", "f.yaml",
      kDeploy);
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(absl::StrContains(bad.status().message(),
                                "f.yaml:4:17: fleet: deploy: field 'watch': must be a positive "
                                "duration"))
      << bad.status();
  EXPECT_TRUE(absl::StrContains(bad.status().message(), "'wait'")) << bad.status();
}

TEST(FleetFileTest, TheDnsProviderAndZoneDefaultToLocalAndTheDomain) {
  FleetFile plain = Parse("name: a\ndomain: shop.example.com\nroles: {dbserver: 1}\n");
  EXPECT_EQ(plain.dns.provider, "local");
  EXPECT_EQ(plain.dns.zone, "shop.example.com");
  FleetFile named = Parse(
      "name: a\ndomain: shop.example.com\nroles: {dbserver: 1}\ndns: {provider: bind, zone: "
      "Example.com.}\n");
  EXPECT_EQ(named.dns.provider, "bind");
  EXPECT_EQ(named.dns.zone, "example.com");
  absl::StatusOr<FleetFile> bad = ParseFleetFile(
      "name: a\ndomain: shop.example.com\nroles: {dbserver: 1}\ndns: {zone: other.org}\n", "f.yaml",
      kDeploy);
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(absl::StrContains(bad.status().message(),
                                "f.yaml:4:13: fleet: dns: field 'zone': 'other.org' does not hold "
                                "the domain shop.example.com"))
      << bad.status();
}

TEST(FleetFileTest, ACloudFleetPlacesItsServersByFleetAndRole) {
  FleetFile file = Parse(
      "name: a\ndomain: shop.example.com\nprovider: do1\nregion: fra1\nsize: s-1vcpu-1gb\n"
      "roles:\n  dbserver: {count: 1, size: s-2vcpu-4gb, image: debian-12-x64}\n"
      "  appnode: 1\n  loadbalancer: 2\napp: {repository: /r, wsgi: 'a:app'}\n");
  EXPECT_EQ(file.provider, "do1");
  EXPECT_EQ(file.Find("dbserver")->count, 1);
  EXPECT_EQ(file.PlacementOf("dbserver").size, "s-2vcpu-4gb");
  EXPECT_EQ(file.PlacementOf("dbserver").image, "debian-12-x64");
  EXPECT_EQ(file.PlacementOf("dbserver").region, "fra1");
  EXPECT_EQ(file.PlacementOf("loadbalancer").size, "s-1vcpu-1gb");
  EXPECT_EQ(file.Find("loadbalancer")->count, 2);

  // dmctl scale rewrites a count written inside a role's map, too.
  const std::string text =
      "name: a\ndomain: shop.example.com\nroles:\n  loadbalancer: {count: 2, size: big}\n"
      "  dbappbalancer: 1\napp: {repository: /r, wsgi: 'a:app'}\n";
  FleetFile placed = Parse(text);
  absl::StatusOr<std::string> scaled =
      ReplaceScalarAt(text, placed.Find("loadbalancer")->count_mark, "2", "3");
  ASSERT_TRUE(scaled.ok()) << scaled.status();
  EXPECT_TRUE(absl::StrContains(*scaled, "loadbalancer: {count: 3, size: big}")) << *scaled;

  absl::StatusOr<FleetFile> bad = ParseFleetFile(
      "name: a\ndomain: shop.example.com\nprovider: Do_1\nroles:\n  dbserver: {size: x}\n"
      "  loadbalancer: {count: 1, flavor: x}\n",
      "f.yaml", kDeploy);
  ASSERT_FALSE(bad.ok());
  const std::string message(bad.status().message());
  EXPECT_TRUE(absl::StrContains(message, "f.yaml:3:")) << message;
  EXPECT_TRUE(absl::StrContains(message, "must be local or a cloud provider's name")) << message;
  EXPECT_TRUE(absl::StrContains(message, "dbserver: count: is required")) << message;
  EXPECT_TRUE(absl::StrContains(message, "flavor")) << message;
}

TEST(BackupScheduleTest, ReadsThePolicyAndRefusesNonsense) {
  FleetFile file =
      Parse("name: a\ndomain: a.test\nroles: {dbserver: 1}\nbackups: {every: 6h, keep: 7}\n");
  EXPECT_EQ(file.backups.every, absl::Hours(6));
  EXPECT_EQ(file.backups.keep, 7);
  absl::StatusOr<FleetFile> bad = ParseFleetFile(
      "name: a\ndomain: a.test\nroles: {dbserver: 1}\nbackups: {every: 10s, keep: 0}\n", "f.yaml",
      kDeploy);
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(absl::StrContains(bad.status().message(),
                                "f.yaml:4:18: fleet: backups: field 'every': must be a duration "
                                "of a minute or more"))
      << bad.status();
  EXPECT_TRUE(absl::StrContains(bad.status().message(), "field 'keep'")) << bad.status();
}

TEST(BackupScheduleTest, ABackupIsDueWhenTheNewestIsOldEnoughOrThereIsNone) {
  const absl::Time now = absl::FromUnixSeconds(1'800'000'000);
  FleetBackups every_hour{absl::Hours(1), 3};
  EXPECT_TRUE(BackupDue(every_hour, {}, now));
  EXPECT_FALSE(
      BackupDue(every_hour, {{"a", now - absl::Hours(5)}, {"b", now - absl::Minutes(59)}}, now));
  EXPECT_TRUE(
      BackupDue(every_hour, {{"a", now - absl::Hours(5)}, {"b", now - absl::Minutes(60)}}, now));
  EXPECT_FALSE(BackupDue(FleetBackups{}, {}, now)) << "no schedule, no backup";
}

TEST(BackupScheduleTest, KeepLetsTheOldestGo) {
  const absl::Time t = absl::FromUnixSeconds(1'800'000'000);
  std::vector<BackupEntry> backups = {
      {"c", t + absl::Hours(2)}, {"a", t}, {"d", t + absl::Hours(3)}, {"b", t + absl::Hours(1)}};
  EXPECT_EQ(BackupsToPrune({absl::Hours(1), 2}, backups), (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(BackupsToPrune({absl::Hours(1), 4}, backups).empty());
  EXPECT_TRUE(BackupsToPrune({absl::Hours(1), 0}, backups).empty()) << "keep 0 keeps everything";
}

class FleetLayoutTest : public ::testing::Test {
 protected:
  void SetUp() override {
    file_ = Parse(kShop);
    hosts_ = DesiredHosts(file_);
    const char* addresses[] = {"10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5", "10.0.0.6"};
    for (size_t i = 0; i < hosts_.size(); ++i) hosts_[i].address = addresses[i];
    context_.app_repository = "git://10.0.0.1:9999/shop.git";
    context_.app_commit = std::string(40, 'a');
    context_.secrets = {{"database.password", "s3cret"}, {"guestbook.secret_key", "k3y"}};
    context_.controller_address = "10.0.0.1";
  }
  nlohmann::json For(const std::string& name) {
    for (const FleetHost& h : hosts_) {
      if (h.name == name) return HostAttributes(file_, hosts_, h, context_);
    }
    ADD_FAILURE() << "no host " << name;
    return {};
  }

  FleetFile file_;
  std::vector<FleetHost> hosts_;
  FleetContext context_;
};

TEST_F(FleetLayoutTest, HostsAreNamedAndOrderedByWhatTheyServe) {
  ASSERT_EQ(hosts_.size(), 5u);
  EXPECT_EQ(hosts_[0].name, "shop-dbserver-1");
  EXPECT_EQ(hosts_[3].name, "shop-appnode-2");
  EXPECT_EQ(hosts_[0].stage(), 0);
  EXPECT_EQ(hosts_[1].stage(), 1);
  EXPECT_EQ(hosts_[2].stage(), 2);
  EXPECT_EQ(hosts_[4].stage(), 3);
}

TEST_F(FleetLayoutTest, TheDatabaseListensPrivatelyForTheAppNodesOnly) {
  nlohmann::json db = For("shop-dbserver-1");
  EXPECT_EQ(db["postgresql"]["listen"], "localhost,10.0.0.2");
  EXPECT_EQ(db["postgresql"]["clients"],
            (nlohmann::json{"127.0.0.1/32", "10.0.0.4/32", "10.0.0.5/32"}));
  EXPECT_EQ(db["firewall"]["allow_from"], "10.0.0.4, 10.0.0.5");
  EXPECT_EQ(db["database"]["password"], "s3cret");
  EXPECT_EQ(db["database"]["host"], "127.0.0.1");
}

TEST_F(FleetLayoutTest, TheDatabaseIsTunedFromItsHostsMemory) {
  context_.memory_bytes = {{"shop-dbserver-1", uint64_t{8} << 30}};
  EXPECT_EQ(For("shop-dbserver-1")["postgresql"]["shared_buffers"], "2048MB");
  file_.attributes["postgresql"]["shared_buffers"] = "512MB";
  EXPECT_EQ(For("shop-dbserver-1")["postgresql"]["shared_buffers"], "512MB")
      << "the file's word wins";
}

TEST_F(FleetLayoutTest, AppNodesFindTheirDatabaseCacheAndCode) {
  nlohmann::json app1 = For("shop-appnode-1");
  nlohmann::json app2 = For("shop-appnode-2");
  EXPECT_EQ(app1["database"]["host"], "10.0.0.2");
  EXPECT_EQ(app1["app"]["cache"], "10.0.0.3:11211");
  EXPECT_EQ(app1["app"]["repository"], "git://10.0.0.1:9999/shop.git");
  EXPECT_EQ(app1["app"]["revision"], std::string(40, 'a'));
  EXPECT_EQ(app1["app"]["path"], "src");
  EXPECT_EQ(app1["app"]["workers"], "4");
  EXPECT_EQ(app1["app"]["migrate_here"], "yes");
  EXPECT_EQ(app2["app"]["migrate_here"], "no") << "one app node migrates";
  EXPECT_EQ(app1["firewall"]["allow_from"], "10.0.0.1, 10.0.0.6")
      << "the load balancer and the controller";
  EXPECT_EQ(app1["firewall"]["open_tcp"], "8000") << "the app's port";
}

TEST_F(FleetLayoutTest, AppNodesGetTheFleetFilesAppWithItsSecretsResolved) {
  nlohmann::json app = For("shop-appnode-1")["app"];
  EXPECT_EQ(app["name"], "guestbook");
  EXPECT_EQ(app["root"], "/srv/guestbook");
  EXPECT_EQ(app["asgi"], false);
  EXPECT_EQ(app["entry"], "guestbook:app");
  EXPECT_EQ(app["port"], "8000");
  EXPECT_EQ(app["packages"],
            (nlohmann::json{"git", "python3", "python3-venv", "gunicorn", "python3-flask"}))
      << "what runs it, then what it asked for";
  EXPECT_EQ(app["migrate"], "python3 guestbook.py migrate");
  EXPECT_EQ(app["env"], (nlohmann::json{{{"name", "GUESTBOOK_MODE"}, {"value", "production"}},
                                        {{"name", "GUESTBOOK_SECRET_KEY"}, {"value", "k3y"}}}));
  EXPECT_EQ(app["pip_options"], "");
  // The database is the app's, by its name.
  EXPECT_EQ(For("shop-dbserver-1")["database"]["name"], "guestbook");
  EXPECT_EQ(For("shop-appnode-1")["database"]["user"], "guestbook");
}

TEST_F(FleetLayoutTest, AnAsgiAppRunsUnderUvicornAndItsWheelsNeedNoIndex) {
  file_.app.server = "uvicorn";
  file_.app.port = 9000;
  file_.app.requirements = "requirements.txt";
  file_.app.pip_find_links = "wheels";
  nlohmann::json app = For("shop-appnode-1")["app"];
  EXPECT_EQ(app["asgi"], true);
  EXPECT_EQ(app["packages"][3], "python3-uvicorn");
  EXPECT_EQ(app["pip_options"],
            "--find-links /srv/guestbook/releases/" + std::string(40, 'a') + "/wheels --no-index")
      << "the wheels of the commit being installed, and no index this host may not reach";
  EXPECT_EQ(For("shop-loadbalancer-1")["nginx"]["upstreams"],
            (nlohmann::json{"10.0.0.4:9000", "10.0.0.5:9000"}));
  file_.app.release = {"python3 manage.py check", "python3 manage.py clearsessions"};
  EXPECT_EQ(For("shop-appnode-1")["app"]["release"],
            "set -e\npython3 manage.py check\npython3 manage.py clearsessions")
      << "one script that stops at the first failure";
  file_.app.pip_index = "http://pypi.internal:3141/simple";
  EXPECT_EQ(For("shop-appnode-1")["app"]["pip_options"],
            "--index-url http://pypi.internal:3141/simple --trusted-host pypi.internal "
            "--find-links /srv/guestbook/releases/" +
                std::string(40, 'a') + "/wheels")
      << "pip takes a plain-HTTP index only from a host named trusted";
  file_.app.pip_index = "https://pypi.internal/simple";
  EXPECT_EQ(For("shop-appnode-1")["app"]["pip_options"],
            "--index-url https://pypi.internal/simple --find-links /srv/guestbook/releases/" +
                std::string(40, 'a') + "/wheels");
}

TEST_F(FleetLayoutTest, ARollingDeployDrainsOneNodeAndGivesItItsOwnCommit) {
  context_.drained = {"shop-appnode-1"};
  context_.host_commits = {{"shop-appnode-1", std::string(40, 'b')}};
  EXPECT_EQ(For("shop-loadbalancer-1")["nginx"]["upstreams"], (nlohmann::json{"10.0.0.5:8000"}));
  EXPECT_EQ(For("shop-appnode-1")["app"]["revision"], std::string(40, 'b'));
  EXPECT_EQ(For("shop-appnode-2")["app"]["revision"], std::string(40, 'a'));
  EXPECT_EQ(For("shop-loadbalancer-1")["app"]["revision"], std::string(40, 'a'))
      << "static files move when every app node has";
}

TEST_F(FleetLayoutTest, TheLoadBalancerServesTheAppsStaticFilesFromItsCommit) {
  nlohmann::json lb = For("shop-loadbalancer-1");
  EXPECT_EQ(lb["app"]["repository"], context_.app_repository);
  EXPECT_EQ(lb["app"]["revision"], std::string(40, 'a'));
  EXPECT_EQ(lb["app"]["migrate_here"], "no") << "a balancer builds the release, never migrates";
  EXPECT_EQ(lb["nginx"]["serve_static"], true);
  EXPECT_FALSE(lb.contains("database") && lb["database"].contains("password"))
      << "the public face of the fleet keeps no database password";
  EXPECT_EQ(lb["app"]["env"][1]["value"], "k3y") << "its release still gets the app's settings";
  EXPECT_EQ(lb["nginx"]["static_dir"], "/srv/guestbook/current/src/static")
      << "the app's static folder in the app's folder of this host's current release";
}

TEST_F(FleetLayoutTest, TheLoadBalancerSendsToEveryAppNode) {
  nlohmann::json lb = For("shop-loadbalancer-1");
  EXPECT_EQ(lb["nginx"]["upstreams"], (nlohmann::json{"10.0.0.4:8000", "10.0.0.5:8000"}));
  EXPECT_EQ(lb["nginx"]["server_name"], "shop.test www.shop.test");
  EXPECT_FALSE(lb.contains("firewall")) << "the role opens port 80 to everyone";
  nlohmann::json cache = For("shop-cachenode-1");
  EXPECT_EQ(cache["memcached"]["listen"], "127.0.0.1,10.0.0.3");
}

// The example's shape (deploy/examples/django.yaml): Redis for the cache and the task queue, a
// task node beside the app nodes, uploads in an object store.
constexpr char kTasks[] = R"(name: site
domain: site.test
roles: {dbserver: 1, cachenode: 1, appnode: 1, tasknode: 1, loadbalancer: 1}
cache: redis
media: {store: media}
app:
  repository: /srv/site.git
  wsgi: site.wsgi:application
  worker: python3 -m celery -A site worker
secrets:
  database.password: {generate: 32}
  redis.password: {generate: 32}
)";

TEST(FleetLayoutTasksTest, TaskNodesRunTheReleaseOnRedisAndUseTheDatabaseAndTheStore) {
  FleetFile file = Parse(kTasks);
  EXPECT_EQ(file.cache, "redis");
  EXPECT_EQ(file.media.store, "media");
  std::vector<FleetHost> hosts = DesiredHosts(file);
  ASSERT_EQ(hosts.size(), 5u);
  for (size_t i = 0; i < hosts.size(); ++i) hosts[i].address = "10.0.0." + std::to_string(i + 2);
  FleetContext context;
  context.app_repository = "git://10.0.0.1:9999/site.git";
  context.app_commit = std::string(40, 'b');
  context.secrets = {{"database.password", "pw"}, {"redis.password", "rpw"}};
  context.media_env = {{"DM_MEDIA_STORE", "s3"}, {"DM_MEDIA_SECRET_KEY", "sk"}};
  auto attributes = [&](const std::string& name) {
    for (const FleetHost& h : hosts)
      if (h.name == name) return HostAttributes(file, hosts, h, context);
    ADD_FAILURE() << name;
    return nlohmann::json{};
  };
  auto has_env = [](const nlohmann::json& a, const std::string& name) {
    for (const nlohmann::json& v : a["app"]["env"])
      if (v["name"] == name) return true;
    return false;
  };
  nlohmann::json cache = attributes("site-cachenode-1");
  EXPECT_EQ(cache["cache"]["server"], "redis") << "the role's cookbook";
  EXPECT_EQ(cache["redis"]["listen"], "127.0.0.1 10.0.0.3");
  EXPECT_EQ(cache["redis"]["password"], "rpw");
  EXPECT_EQ(cache["firewall"]["open_tcp"], "6379");
  EXPECT_EQ(cache["firewall"]["allow_from"], "10.0.0.4, 10.0.0.5") << "the app and task nodes";
  EXPECT_EQ(attributes("site-dbserver-1")["postgresql"]["clients"],
            (nlohmann::json{"127.0.0.1/32", "10.0.0.4/32", "10.0.0.5/32"}));

  nlohmann::json worker = attributes("site-tasknode-1");
  EXPECT_EQ(worker["app"]["worker"], "python3 -m celery -A site worker");
  EXPECT_EQ(worker["app"]["revision"], std::string(40, 'b'));
  EXPECT_EQ(worker["app"]["migrate_here"], "no") << "the first app node migrates";
  EXPECT_EQ(worker["app"]["broker_url"], "redis://:rpw@10.0.0.3:6379/1");
  EXPECT_EQ(worker["app"]["cache_url"], "redis://:rpw@10.0.0.3:6379/0");
  EXPECT_EQ(worker["database"]["host"], "10.0.0.2");
  EXPECT_FALSE(worker.contains("firewall") && worker["firewall"].contains("open_tcp"))
      << "a task node serves nothing";
  EXPECT_EQ(worker["firewall"]["allow_from"], "127.0.0.1");
  EXPECT_EQ(hosts[3].stage(), 2);
  EXPECT_TRUE(has_env(worker, "DM_MEDIA_SECRET_KEY"));
  EXPECT_TRUE(has_env(attributes("site-appnode-1"), "DM_MEDIA_SECRET_KEY"));
  EXPECT_FALSE(has_env(attributes("site-loadbalancer-1"), "DM_MEDIA_SECRET_KEY"))
      << "the public face never holds the store's key";
}

TEST(FleetLayoutTasksTest, ACacheOfMemcachedHasItsUrlAndNoBroker) {
  FleetFile file = Parse(kShop);
  std::vector<FleetHost> hosts = DesiredHosts(file);
  for (size_t i = 0; i < hosts.size(); ++i) hosts[i].address = "10.0.0." + std::to_string(i + 2);
  nlohmann::json app = HostAttributes(file, hosts, hosts[2], FleetContext{});
  EXPECT_EQ(app["app"]["cache_url"], "memcached://10.0.0.3:11211");
  EXPECT_EQ(app["app"]["broker_url"], "");
  EXPECT_EQ(HostAttributes(file, hosts, hosts[1], FleetContext{})["firewall"]["open_tcp"], "11211");
}

TEST(FleetLayoutLogsTest, EveryHostSendsItsJournalToTheLognodeWhichKeepsNoSecrets) {
  FleetFile file = Parse(
      "name: shop\ndomain: shop.test\nroles: {lognode: 1, dbserver: 1, appnode: 1}\n"
      "app: {repository: /r, wsgi: 'a:app'}\nsecrets: {database.password: {generate: 32}}\n");
  std::vector<FleetHost> hosts = DesiredHosts(file);
  ASSERT_EQ(hosts.size(), 3u);
  for (size_t i = 0; i < hosts.size(); ++i) hosts[i].address = "10.0.0." + std::to_string(i + 2);
  FleetContext context;
  context.secrets = {{"database.password", "pw"}};
  nlohmann::json logs = HostAttributes(file, hosts, hosts[0], context);
  EXPECT_EQ(hosts[0].stage(), 0) << "first: the others send to it from their start";
  EXPECT_EQ(logs["logs"]["cookbook"], "") << "it keeps its own";
  EXPECT_EQ(logs["firewall"]["open_tcp"], "19532");
  EXPECT_EQ(logs["firewall"]["allow_from"], "10.0.0.3, 10.0.0.4");
  EXPECT_FALSE(logs["database"].contains("password")) << "no secrets on the lognode";
  nlohmann::json app = HostAttributes(file, hosts, hosts[2], context);
  EXPECT_EQ(app["logs"]["cookbook"], "journal-upload");
  EXPECT_EQ(app["logs"]["url"], "https://10.0.0.2:19532");
  FleetFile none = Parse(kShop);
  std::vector<FleetHost> shop = DesiredHosts(none);
  EXPECT_EQ(HostAttributes(none, shop, shop[2], FleetContext{})["logs"]["cookbook"], "")
      << "no lognode, no upload";
}

TEST(FleetFileTest, TaskNodesNeedAWorkerRedisAndADatabase) {
  absl::StatusOr<FleetFile> bare = ParseFleetFile(
      "name: a\ndomain: a.test\nroles: {tasknode: 1}\napp: {repository: /r, wsgi: 'a:app'}\n",
      "f.yaml", kDeploy);
  ASSERT_FALSE(bare.ok());
  EXPECT_TRUE(absl::StrContains(bare.status().message(), "add app: worker:")) << bare.status();
  EXPECT_TRUE(absl::StrContains(bare.status().message(),
                                "f.yaml:3:8: fleet: roles: task nodes take "
                                "their tasks from Redis: add cache: redis"))
      << bare.status();
  EXPECT_TRUE(absl::StrContains(bare.status().message(), "task nodes need the app's database"));
  absl::StatusOr<FleetFile> odd = ParseFleetFile(
      "name: a\ndomain: a.test\ncache: valkey\nmedia: {store: Media_1}\nroles: {dbserver: 1}\n",
      "f.yaml", kDeploy);
  EXPECT_TRUE(absl::StrContains(
      odd.status().message(),
      "f.yaml:3:8: fleet: field 'cache': 'valkey' is not one of: memcached, redis"))
      << odd.status();
  EXPECT_TRUE(absl::StrContains(odd.status().message(),
                                "f.yaml:4:16: fleet: media: field 'store': 1 to 32 of a-z"))
      << odd.status();
}

TEST(FleetLayoutAllInOneTest, OneHostReachesItselfOverLoopback) {
  FleetFile file = Parse(
      "name: solo\ndomain: solo.test\nroles: {dbappbalancer: 1}\napp: {repository: /r, wsgi: "
      "'a:app'}\n");
  std::vector<FleetHost> hosts = DesiredHosts(file);
  ASSERT_EQ(hosts.size(), 1u);
  hosts[0].address = "10.0.0.2";
  nlohmann::json a = HostAttributes(file, hosts, hosts[0], FleetContext{});
  EXPECT_EQ(a["database"]["host"], "127.0.0.1");
  EXPECT_EQ(a["postgresql"]["listen"], "localhost");
  EXPECT_EQ(a["nginx"]["upstreams"], (nlohmann::json{"127.0.0.1:8000"}));
  EXPECT_EQ(a["app"]["cache"], "127.0.0.1:11211");
  EXPECT_FALSE(a.contains("firewall") && a["firewall"].contains("open_tcp"))
      << "its balancer reaches the app on loopback; the role opens port 80";
}

}  // namespace
}  // namespace dm
