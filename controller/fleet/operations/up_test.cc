// dmctl up and plan against the in-memory world: a fleet from nothing to serving, a second up
// that changes nothing, an up that resumes after an interruption without booting twins, and
// plans held against the up that follows them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "common/temp_dir.h"
#include "controller/fleet/testing/fleet_test_fixture.h"
#include "controller/providers/storage/local_directory_store.h"

namespace dm::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

constexpr char kShopRoles[] = "  dbserver: 1\n  appnode: 2\n  loadbalancer: 1\n";
const std::string kMain(40, '1');

class UpTest : public FleetTest {
 protected:
  dm::v1::FleetRequest Shop(const std::string& revision = "main") {
    return File("shop", kShopRoles, revision);
  }
};

TEST_F(UpTest, BuildsTheFleetFromNothingWiredTogether) {
  EventLog log;
  ASSERT_TRUE(Up(Shop(), &log).ok()) << log.Text();
  EXPECT_THAT(world_.ServerNames(), UnorderedElementsAre("shop-dbserver-1", "shop-appnode-1",
                                                         "shop-appnode-2", "shop-loadbalancer-1"));
  for (const std::string& host : world_.ServerNames()) {
    EXPECT_EQ(world_.Boots(host), 1) << host;
    EXPECT_EQ(world_.Bootstraps(host), 1) << host;
    EXPECT_EQ(world_.Converges(host), 1) << host;
  }
  // The load balancer sends to both app nodes, which run the revision's commit.
  EXPECT_THAT(world_.UpstreamsOf("shop-loadbalancer-1"),
              UnorderedElementsAre(world_.AddressOf("shop-appnode-1") + ":8000",
                                   world_.AddressOf("shop-appnode-2") + ":8000"));
  EXPECT_EQ(world_.CommitOn("shop-appnode-1"), kMain);
  EXPECT_EQ(world_.CommitOn("shop-appnode-2"), kMain);
  // The app nodes find the database; the database admits exactly them.
  EXPECT_EQ(world_.AttributesOf("shop-appnode-1")["database"]["host"],
            world_.AddressOf("shop-dbserver-1"));
  EXPECT_THAT(world_.AttributesOf("shop-dbserver-1")["postgresql"]["clients"]
                  .get<std::vector<std::string>>(),
              UnorderedElementsAre("127.0.0.1/32", world_.AddressOf("shop-appnode-1") + "/32",
                                   world_.AddressOf("shop-appnode-2") + "/32"));
  EXPECT_THAT(world_.fake_dns().Addresses("www.shop.test"),
              ElementsAre(world_.AddressOf("shop-loadbalancer-1")));
  EXPECT_TRUE(log.Has("shop-loadbalancer-1", "check", dm::v1::STEP_OK)) << log.Text();
  FleetRecord record = Record("shop");
  EXPECT_EQ(record.commit, kMain);
  EXPECT_EQ(world_.PinnedCommit("shop"), kMain);
  EXPECT_THAT(record.secrets_json, HasSubstr("database.password"));
}

TEST_F(UpTest, ASecondUpChangesNothing) {
  ASSERT_TRUE(Up(Shop()).ok());
  const std::string secrets = Record("shop").secrets_json;
  EventLog again;
  ASSERT_TRUE(Up(Shop(), &again).ok()) << again.Text();
  EXPECT_THAT(again.With(dm::v1::STEP_CHANGED), IsEmpty()) << again.Text();
  for (const std::string& host : world_.ServerNames()) {
    EXPECT_EQ(world_.Boots(host), 1) << host;
    EXPECT_EQ(world_.Bootstraps(host), 1) << host;
  }
  EXPECT_EQ(Record("shop").secrets_json, secrets) << "generated once, kept";
}

TEST_F(UpTest, APlanListsExactlyWhatTheUpAfterItDoes) {
  EventLog plan;
  ASSERT_TRUE(Plan(Shop(), &plan).ok()) << plan.Text();
  EXPECT_THAT(world_.ServerNames(), IsEmpty()) << "a plan changes nothing";
  EXPECT_FALSE(store_->GetFleet("shop").ok()) << "a plan saves nothing";
  EventLog up;
  ASSERT_TRUE(Up(Shop(), &up).ok()) << up.Text();
  EXPECT_FALSE(plan.With(dm::v1::STEP_PLANNED).empty());
  EXPECT_EQ(plan.With(dm::v1::STEP_PLANNED), up.With(dm::v1::STEP_CHANGED))
      << "plan:\n"
      << plan.Text() << "up:\n"
      << up.Text();
}

TEST_F(UpTest, APlanAgreesWithTheUpAfterItOnAFleetThatDrifted) {
  ASSERT_TRUE(Up(Shop()).ok());
  // Behind the controller's back: a server is gone, an agent is away, a newer agent is out, and
  // the file asks for another revision.
  ASSERT_TRUE(world_.DestroyServer("shop-appnode-2").ok());
  world_.SetAgentConnected("shop-dbserver-1", false);
  world_.SetRevision("v2", std::string(40, '2'));
  EventLog plan;
  ASSERT_TRUE(Plan(Shop("v2"), &plan).ok()) << plan.Text();
  EXPECT_TRUE(plan.Has("shop-appnode-2", "boot", dm::v1::STEP_PLANNED)) << plan.Text();
  EXPECT_TRUE(plan.Has("shop-dbserver-1", "bootstrap", dm::v1::STEP_PLANNED)) << plan.Text();
  EXPECT_TRUE(plan.Has("", "app", dm::v1::STEP_PLANNED)) << plan.Text();
  EventLog up;
  ASSERT_TRUE(Up(Shop("v2"), &up).ok()) << up.Text();
  EXPECT_EQ(plan.With(dm::v1::STEP_PLANNED), up.With(dm::v1::STEP_CHANGED))
      << "plan:\n"
      << plan.Text() << "up:\n"
      << up.Text();
  EXPECT_EQ(world_.CommitOn("shop-appnode-2"), std::string(40, '2'));
}

TEST_F(UpTest, APlanOfAFleetThatIsUpPlansNothing) {
  ASSERT_TRUE(Up(Shop()).ok());
  EventLog plan;
  ASSERT_TRUE(Plan(Shop(), &plan).ok()) << plan.Text();
  EXPECT_THAT(plan.With(dm::v1::STEP_PLANNED), IsEmpty()) << plan.Text();
  // The converges were dry runs on the hosts themselves: each said nothing would change.
  EXPECT_TRUE(plan.Has("shop-appnode-1", "converge", dm::v1::STEP_OK)) << plan.Text();
  EXPECT_EQ(world_.Converges("shop-appnode-1"), 1);
}

TEST_F(UpTest, APlanRefusesWhatTheUpWouldRefuse) {
  // No network to serve the app on: once, plan reported a deploy that up then refused.
  world_.SetAppUrlBase("");
  EventLog plan;
  absl::Status planned = Plan(Shop(), &plan);
  absl::Status up = Up(Shop());
  EXPECT_EQ(planned.code(), absl::StatusCode::kFailedPrecondition) << planned;
  EXPECT_EQ(planned, up);
  EXPECT_THAT(std::string(up.message()), HasSubstr("cannot serve app repositories"));
  EXPECT_THAT(world_.ServerNames(), IsEmpty());
}

TEST_F(UpTest, AnUpInterruptedAfterBootResumesWithoutATwin) {
  world_.FailBootstrap("shop-appnode-2", absl::UnavailableError("ssh: connection reset"));
  EventLog first;
  absl::Status interrupted = Up(Shop(), &first);
  ASSERT_FALSE(interrupted.ok());
  EXPECT_THAT(std::string(interrupted.message()), HasSubstr("shop-appnode-2: bootstrap"));
  EXPECT_TRUE(first.Has("shop-appnode-2", "bootstrap", dm::v1::STEP_FAILED)) << first.Text();
  EXPECT_EQ(world_.ServerNames().size(), 4u) << "every server was booted";
  EXPECT_EQ(world_.Converges("shop-dbserver-1"), 0) << "nothing converged after a failed step";

  world_.FailBootstrap("shop-appnode-2", absl::OkStatus());
  EventLog resumed;
  ASSERT_TRUE(Up(Shop(), &resumed).ok()) << resumed.Text();
  EXPECT_THAT(resumed.With(dm::v1::STEP_CHANGED),
              ::testing::Not(::testing::Contains(
                  std::make_pair(std::string("shop-appnode-1"), std::string("boot")))));
  for (const std::string& host : world_.ServerNames()) {
    EXPECT_EQ(world_.Boots(host), 1) << host << " was booted twice";
  }
  EXPECT_EQ(world_.ServerNames().size(), 4u);
  EXPECT_EQ(world_.Bootstraps("shop-appnode-1"), 1) << "a bootstrapped server is not redone";
  EXPECT_EQ(world_.Bootstraps("shop-appnode-2"), 1);
}

TEST_F(UpTest, AFailedBootIsNamedAndTheOthersStillBoot) {
  world_.FailNextBoot("shop-appnode-1", absl::ResourceExhaustedError("no addresses left"));
  EventLog log;
  absl::Status up = Up(Shop(), &log);
  EXPECT_EQ(up.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(up.message()), HasSubstr("shop-appnode-1: boot: no addresses left"));
  EXPECT_THAT(world_.ServerNames(),
              UnorderedElementsAre("shop-dbserver-1", "shop-appnode-2", "shop-loadbalancer-1"));
  EXPECT_EQ(world_.Bootstraps("shop-dbserver-1"), 0) << "nobody is bootstrapped into a half fleet";
}

TEST_F(UpTest, AFailedStageLeavesTheLaterOnesAsTheyWere) {
  world_.FailConvergeAt("shop-appnode-2", kMain);
  EventLog log;
  absl::Status up = Up(Shop(), &log);
  EXPECT_EQ(up.code(), absl::StatusCode::kAborted);
  EXPECT_THAT(std::string(up.message()), HasSubstr("converging the app failed: shop-appnode-2"));
  EXPECT_THAT(std::string(up.message()), HasSubstr("later stages were left as they were"));
  EXPECT_EQ(world_.Converges("shop-dbserver-1"), 1);
  EXPECT_EQ(world_.Converges("shop-loadbalancer-1"), 0);
  EXPECT_THAT(world_.fake_dns().Addresses("www.shop.test"), IsEmpty());
}

TEST_F(UpTest, AFileThatAsksForAnotherRevisionDeploysIt) {
  ASSERT_TRUE(Up(Shop()).ok());
  world_.SetRevision("v2", std::string(40, '2'));
  EventLog log;
  ASSERT_TRUE(Up(Shop("v2"), &log).ok()) << log.Text();
  EXPECT_EQ(world_.CommitOn("shop-appnode-1"), std::string(40, '2'));
  EXPECT_EQ(Record("shop").commit, std::string(40, '2'));
  EXPECT_EQ(Record("shop").previous_commit, kMain);
}

TEST_F(UpTest, UpIsNotADeployTheDeployedCommitStays) {
  ASSERT_TRUE(Up(Shop()).ok());
  world_.SetRevision("main", std::string(40, '3'));  // the branch moved on
  ASSERT_TRUE(Up(Shop()).ok());
  EXPECT_EQ(world_.CommitOn("shop-appnode-1"), kMain);
  EXPECT_EQ(Record("shop").commit, kMain);
}

TEST_F(UpTest, ANewerAgentIsInstalledOnEveryServerByTheNextUp) {
  ASSERT_TRUE(Up(Shop()).ok());
  world_.SetAgentPackage("0.2.0+newer");
  EventLog plan;
  ASSERT_TRUE(Plan(Shop(), &plan).ok());
  EXPECT_EQ(plan.With(dm::v1::STEP_PLANNED).size(), 4u) << plan.Text();
  EXPECT_TRUE(plan.Has("shop-appnode-1", "bootstrap", dm::v1::STEP_PLANNED)) << plan.Text();
  ASSERT_TRUE(Up(Shop()).ok());
  for (const std::string& host : world_.ServerNames()) {
    EXPECT_EQ(world_.Bootstraps(host), 2) << host;
  }
}

TEST_F(UpTest, ServersTheFileNoLongerAsksForAreReportedAndLeft) {
  ASSERT_TRUE(Up(File("shop", "  dbserver: 1\n  appnode: 2\n  loadbalancer: 1\n")).ok());
  EventLog log;
  ASSERT_TRUE(Up(File("shop", "  dbserver: 1\n  appnode: 1\n  loadbalancer: 1\n"), &log).ok());
  EXPECT_TRUE(log.Has("shop-appnode-2", "surplus", dm::v1::STEP_OK)) << log.Text();
  EXPECT_TRUE(world_.Exists("shop-appnode-2"));
  EXPECT_THAT(world_.UpstreamsOf("shop-loadbalancer-1"),
              ElementsAre(world_.AddressOf("shop-appnode-1") + ":8000"));
}

TEST_F(UpTest, AnotherOperationOnTheFleetIsRefusedWhileOneRuns) {
  absl::StatusOr<std::unique_ptr<FleetLocks::Claim>> held = fleets_->locks()->Acquire("shop");
  ASSERT_TRUE(held.ok());
  absl::Status up = Up(Shop());
  EXPECT_EQ(up.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(up.message()), HasSubstr("busy"));
  held->reset();
  EXPECT_TRUE(Up(Shop()).ok());
}

TEST_F(UpTest, TheLognodeComesFirstAndEveryHostGetsItsOwnCertificateForTheJournals) {
  EventLog log;
  ASSERT_TRUE(Up(File("shop", "  lognode: 1\n" + std::string(kShopRoles)), &log).ok())
      << log.Text();
  const std::string collector = world_.AddressOf("shop-lognode-1");
  nlohmann::json logs = world_.AttributesOf("shop-lognode-1")["logs"];
  EXPECT_EQ(logs["cert"], "cert of shop-lognode-1 at " + collector)
      << "a server's, for its address";
  nlohmann::json app = world_.AttributesOf("shop-appnode-2")["logs"];
  EXPECT_EQ(app["cert"], "cert of shop-appnode-2 at ") << "a client's, its own";
  EXPECT_EQ(app["key"], "key of shop-appnode-2 at ");
  EXPECT_EQ(app["url"], "https://" + collector + ":19532");
  EXPECT_LT(log.Text().find("shop-lognode-1 converge"), log.Text().find("shop-appnode-1 converge"))
      << log.Text();
}

TEST_F(UpTest, AMediaStoreTheControllerLacksIsRefusedBeforeAnythingBoots) {
  EventLog log;
  absl::Status up = Up(File("shop", kShopRoles, "main", "media: {store: nowhere}\n"), &log);
  EXPECT_TRUE(absl::IsFailedPrecondition(up)) << up;
  EXPECT_THAT(std::string(up.message()), HasSubstr("media: store: 'nowhere' is not a store"));
  EXPECT_THAT(world_.ServerNames(), IsEmpty());
}

TEST_F(UpTest, TheMediaStoreIsTriedAndItsPlaceTakenThenTheAppAndTaskNodesAreToldOfIt) {
  StoreSettings settings;
  settings.type = "s3";
  settings.s3.endpoint = "https://s3.example";
  settings.s3.bucket = "shop-media";
  settings.s3.access_key = "AK";
  settings.s3.secret_key = "SK";
  TempDir store_dir;
  storage_.Add("media", settings, std::make_unique<LocalDirectoryStore>(store_dir.path()));
  EventLog log;
  absl::Status up = Up(File("shop", kShopRoles, "main", "media: {store: media}\n"), &log);
  ASSERT_TRUE(up.ok()) << up << log.Text();
  LocalDirectoryStore check(store_dir.path());
  EXPECT_THAT(check.Get("shop/media-store").value_or(""), HasSubstr("shop/media/"));
  auto env_of = [&](const std::string& host) {
    std::map<std::string, std::string> env;
    const nlohmann::json attributes = world_.AttributesOf(host);
    for (const nlohmann::json& v : attributes["app"]["env"])
      env[v["name"].get<std::string>()] = v["value"].get<std::string>();
    return env;
  };
  std::map<std::string, std::string> app = env_of("shop-appnode-1");
  EXPECT_EQ(app["DM_MEDIA_STORE"], "s3");
  EXPECT_EQ(app["DM_MEDIA_BUCKET"], "shop-media");
  EXPECT_EQ(app["DM_MEDIA_SECRET_KEY"], "SK");
  EXPECT_EQ(app["DM_MEDIA_PREFIX"], "shop/media/");
  EXPECT_EQ(env_of("shop-loadbalancer-1").count("DM_MEDIA_SECRET_KEY"), 0u);
}

}  // namespace
}  // namespace dm::testing

namespace dm::testing {
namespace {

// A fleet at a cloud provider: the cloud's placement, the load balancers' ports, wiring over
// private addresses, DNS at the public ones.
class CloudUpTest : public FleetTest {
 protected:
  dm::v1::FleetRequest Cloud(const std::string& provider = "do1") {
    dm::v1::FleetRequest request = File(
        "shop", "  dbserver: {count: 1, size: s-2vcpu-4gb}\n  appnode: 2\n  loadbalancer: 1\n");
    std::string text = request.file_text();
    text.replace(text.find("provider: local"), 15,
                 absl::StrCat("provider: ", provider, "\nregion: fra1\nsize: s-1vcpu-1gb"));
    request.set_file_text(text);
    return request;
  }
};

TEST_F(CloudUpTest, ServersArePlacedWiredPrivatelyAndNamedPublicly) {
  world_.AddCloud("do1");
  EventLog log;
  ASSERT_TRUE(Up(Cloud(), &log).ok()) << log.Text();
  EXPECT_EQ(world_.LastBoot("shop-dbserver-1").provider, "do1");
  EXPECT_EQ(world_.LastBoot("shop-dbserver-1").size, "s-2vcpu-4gb") << "the role's own";
  EXPECT_EQ(world_.LastBoot("shop-appnode-1").size, "s-1vcpu-1gb") << "the fleet's";
  EXPECT_EQ(world_.LastBoot("shop-appnode-1").region, "fra1");
  EXPECT_THAT(world_.LastBoot("shop-appnode-1").open_tcp_ports, IsEmpty());
  EXPECT_THAT(world_.LastBoot("shop-loadbalancer-1").open_tcp_ports, ElementsAre(80, 443));
  // Hosts reach each other over the private network; users reach the balancer's public address.
  const std::string db = world_.AttributesOf("shop-appnode-1")["database"]["host"];
  EXPECT_THAT(db, HasSubstr("192.168.0."));
  EXPECT_THAT(world_.UpstreamsOf("shop-loadbalancer-1")[0], HasSubstr("192.168.0."));
  ASSERT_EQ(world_.fake_dns().Addresses("shop.test").size(), 1u);
  EXPECT_EQ(world_.fake_dns().Addresses("shop.test")[0], world_.AddressOf("shop-loadbalancer-1"));
  EXPECT_THAT(world_.AddressOf("shop-loadbalancer-1"), HasSubstr("203.0.113."));
  EXPECT_TRUE(log.Has("shop-loadbalancer-1", "check", dm::v1::STEP_OK)) << log.Text();
}

TEST_F(CloudUpTest, AProviderTheControllerLacksIsNamedBeforeAnythingBoots) {
  absl::Status up = Up(Cloud("nowhere"));
  EXPECT_TRUE(absl::IsInvalidArgument(up)) << up;
  EXPECT_THAT(up.message(), HasSubstr("unknown provider 'nowhere'"));
  EXPECT_THAT(world_.ServerNames(), IsEmpty());
}

// The controller died while the cloud made a server: the next up boots it again, the provider
// adopts it, and no twin is made.
TEST_F(CloudUpTest, AnUpCutShortWhileTheCloudBootedIsResumedWithoutTwins) {
  world_.AddCloud("do1");
  world_.CutNextBootShort("shop-appnode-2");
  EXPECT_FALSE(Up(Cloud()).ok());
  EventLog again;
  ASSERT_TRUE(Up(Cloud(), &again).ok()) << again.Text();
  EXPECT_EQ(world_.Boots("shop-appnode-2"), 1) << "made once, adopted the second time";
  EXPECT_EQ(world_.ServerNames().size(), 4u);
  EXPECT_EQ(world_.CommitOn("shop-appnode-2"), kMain);
}

}  // namespace
}  // namespace dm::testing
