// The healer's decisions against a fake world and a fake clock: the ladder, the upstreams, and
// every safety rule.
#include "controller/health/healer.h"

#include <algorithm>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "controller/testing/temp_store.h"

namespace dm {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class FakeHealWorld : public HealWorld {
 public:
  std::vector<HostHealthState> Hosts() override { return hosts; }
  FleetHealPolicy Policy(const std::string& fleet) override {
    return fleet == "shop" ? policy : FleetHealPolicy{};
  }
  absl::Status Restart(const std::string& host, const std::string& unit) override {
    done.push_back("restart " + host + " " + unit);
    return result;
  }
  absl::Status Reconverge(const std::string& /*fleet*/, const std::string& host) override {
    done.push_back("reconverge " + host);
    return result;
  }
  absl::StatusOr<std::string> Replace(const std::string& /*fleet*/,
                                      const std::string& host) override {
    done.push_back("replace " + host);
    if (!result.ok()) return result;
    return replace_note;
  }
  absl::Status Rollback(const std::string& fleet, const std::string& commit,
                        const std::string& /*cause*/) override {
    done.push_back("rollback " + fleet + " " + commit);
    if (result.ok()) {
      policy.commit = commit;
      policy.deployed_at = absl::InfinitePast();
    }
    return result;
  }
  absl::Status SetOutOfService(const std::string& /*fleet*/,
                               const std::set<std::string>& out) override {
    out_of_service = out;
    ++rewires;
    return result;
  }

  std::vector<HostHealthState> hosts;
  FleetHealPolicy policy;
  absl::Status result = absl::OkStatus();
  std::string replace_note;
  std::vector<std::string> done;
  std::set<std::string> out_of_service;
  int rewires = 0;
};

class HealerTest : public TempStoreTest {
 protected:
  void SetUp() override {
    TempStoreTest::SetUp();
    audit_ = std::make_unique<AuditTrail>(store_.get(), &clock_);
    world_.policy.exists = true;
    RoleHealPolicy app;
    app.app = true;
    world_.policy.roles["appnode"] = app;
    world_.policy.roles["loadbalancer"] = RoleHealPolicy{};
    RoleHealPolicy db;
    db.database = true;
    world_.policy.roles["dbserver"] = db;
    options_.after_start = absl::ZeroDuration();  // TheControllersStartIsASettleTimeToo: its own
    healer_ = std::make_unique<Healer>(&world_, audit_.get(), &clock_, options_,
                                       [](std::function<void()> action) { action(); });
    Add("shop-loadbalancer-1", "loadbalancer");
    Add("shop-appnode-1", "appnode");
    Add("shop-appnode-2", "appnode");
    Add("shop-dbserver-1", "dbserver");
  }

  void Add(const std::string& name, const std::string& role) {
    HostHealthState h;
    h.name = name;
    h.role = role;
    h.fleet = "shop";
    h.health = dm::v1::HOST_HEALTHY;
    world_.hosts.push_back(h);
  }
  HostHealthState& Host(const std::string& name) {
    for (HostHealthState& h : world_.hosts)
      if (h.name == name) return h;
    ADD_FAILURE() << "no host " << name;
    return world_.hosts[0];
  }
  // `name` turns unhealthy with `check` (of `unit`) failing, or healthy again with "".
  void Set(const std::string& name, dm::v1::HostHealth health, const std::string& unit = "") {
    HostHealthState& h = Host(name);
    HostHealthChange change{h, h.health};
    h.health = health;
    h.report.Clear();
    if (health == dm::v1::HOST_UNHEALTHY) {
      dm::v1::CheckStatus* c = h.report.add_checks();
      c->set_name("service[" + unit + "]");
      c->set_state(dm::v1::CHECK_FAILING);
      c->set_critical(true);
      c->set_service(unit);
      c->set_output(unit + " is inactive (dead)");
    }
    change.host = h;
    healer_->OnHostChange(change);
  }
  std::vector<std::string> Kinds() {
    std::vector<std::string> kinds;
    absl::StatusOr<std::vector<EventRecord>> events = store_->ListEvents(EventQuery{100});
    for (auto it = events->rbegin(); it != events->rend(); ++it)
      kinds.push_back(it->kind + ":" + it->outcome);
    return kinds;
  }
  std::string LastMessage(const std::string& kind) {
    absl::StatusOr<std::vector<EventRecord>> events = store_->ListEvents(EventQuery{100});
    for (const EventRecord& e : *events)
      if (e.kind == kind) return e.message;
    return "";
  }

  FakeClock clock_;
  HealerOptions options_;
  FakeHealWorld world_;
  std::unique_ptr<AuditTrail> audit_;
  std::unique_ptr<Healer> healer_;
};

TEST_F(HealerTest, ARestartThatWorksEndsTheEpisode) {
  Set("shop-loadbalancer-1", dm::v1::HOST_UNHEALTHY, "nginx.service");
  healer_->Tick();
  EXPECT_THAT(world_.done, ElementsAre("restart shop-loadbalancer-1 nginx.service"));
  EXPECT_THAT(LastMessage("heal.restart"), HasSubstr("restart done"));
  Set("shop-loadbalancer-1", dm::v1::HOST_HEALTHY);
  healer_->Tick();
  EXPECT_THAT(Kinds(), ElementsAre("heal.restart:started", "heal.restart:succeeded",
                                   "heal.recovered:succeeded"));
  EXPECT_EQ(LastMessage("heal.recovered"), "healthy again after restart");
}

TEST_F(HealerTest, EachRungGetsItsSettleTimeBeforeTheNext) {
  Set("shop-loadbalancer-1", dm::v1::HOST_UNHEALTHY, "nginx.service");
  healer_->Tick();
  clock_.Advance(absl::Seconds(19));
  healer_->Tick();
  EXPECT_EQ(world_.done.size(), 1u);  // the restart still has time
  clock_.Advance(absl::Seconds(2));
  healer_->Tick();
  EXPECT_THAT(world_.done, ElementsAre("restart shop-loadbalancer-1 nginx.service",
                                       "reconverge shop-loadbalancer-1"));
  EXPECT_THAT(LastMessage("heal.reconverge"), HasSubstr("done"));
  clock_.Advance(absl::Seconds(61));
  healer_->Tick();
  EXPECT_EQ(world_.done.back(), "replace shop-loadbalancer-1");
  world_.hosts.erase(world_.hosts.begin());  // replaced: gone
  clock_.Advance(absl::Minutes(5));
  healer_->Tick();
  EXPECT_EQ(world_.done.size(), 3u);
}

TEST_F(HealerTest, AClimbedLadderIsHandedToAnOperator) {
  world_.policy.roles["loadbalancer"].ladder = {HealStep::kRestart};
  Set("shop-loadbalancer-1", dm::v1::HOST_UNHEALTHY, "nginx.service");
  healer_->Tick();
  clock_.Advance(absl::Seconds(21));
  healer_->Tick();
  healer_->Tick();
  EXPECT_EQ(world_.done.size(), 1u);
  EXPECT_THAT(LastMessage("heal.held"), HasSubstr("over to an operator"));
}

TEST_F(HealerTest, ALostHostLeavesTheBalancersThenIsReplacedWithoutTryingItsAgent) {
  Set("shop-appnode-1", dm::v1::HOST_LOST);
  healer_->Tick();  // out of the balancers first
  EXPECT_EQ(world_.out_of_service, std::set<std::string>{"shop-appnode-1"});
  EXPECT_TRUE(world_.done.empty());
  healer_->Tick();
  EXPECT_THAT(world_.done, ElementsAre("replace shop-appnode-1"));
  EXPECT_THAT(LastMessage("heal.replace"), HasSubstr("replace done"));
}

TEST_F(HealerTest, AReplacedHostNoLongerCountsTowardsAStorm) {
  Set("shop-appnode-1", dm::v1::HOST_LOST);
  healer_->Tick();
  healer_->Tick();
  ASSERT_THAT(world_.done, ElementsAre("replace shop-appnode-1"));
  world_.hosts.erase(world_.hosts.begin() + 1);  // shop-appnode-1 is gone
  healer_->Tick();
  clock_.Advance(absl::Seconds(30));
  Set("shop-loadbalancer-1", dm::v1::HOST_LOST);
  healer_->Tick();
  EXPECT_EQ(world_.done.back(), "replace shop-loadbalancer-1");
}

TEST_F(HealerTest, AnUnhealthyAppNodeLeavesTheUpstreamsAndComesBack) {
  Set("shop-appnode-2", dm::v1::HOST_UNHEALTHY, "guestbook.service");
  healer_->Tick();
  EXPECT_EQ(world_.out_of_service, std::set<std::string>{"shop-appnode-2"});
  EXPECT_EQ(LastMessage("heal.upstreams"), "out of the load balancers: shop-appnode-2");
  Set("shop-appnode-2", dm::v1::HOST_HEALTHY);
  healer_->Tick();
  EXPECT_TRUE(world_.out_of_service.empty());
  EXPECT_EQ(LastMessage("heal.upstreams"), "back in: shop-appnode-2");
  healer_->Tick();
  EXPECT_EQ(world_.rewires, 2);  // nothing changed since: no rewiring
}

TEST_F(HealerTest, WhenNoAppNodeServesTheBalancersKeepThemAll) {
  Set("shop-appnode-1", dm::v1::HOST_UNHEALTHY, "guestbook.service");
  Set("shop-appnode-2", dm::v1::HOST_UNHEALTHY, "guestbook.service");
  healer_->Tick();
  EXPECT_EQ(world_.rewires, 0);
  EXPECT_TRUE(world_.out_of_service.empty());
}

TEST_F(HealerTest, HostsOfARoleAreHealedOneAtATimeTheLongestWaitingFirst) {
  // As when every agent reconnects after a controller restart with a failing report.
  Set("shop-appnode-1", dm::v1::HOST_UNHEALTHY, "guestbook.service");
  Set("shop-appnode-2", dm::v1::HOST_UNHEALTHY, "guestbook.service");
  Set("shop-loadbalancer-1", dm::v1::HOST_UNHEALTHY, "nginx.service");
  healer_->Tick();
  // Another role is not held up by it.
  EXPECT_THAT(world_.done, ElementsAre("restart shop-loadbalancer-1 nginx.service",
                                       "restart shop-appnode-1 guestbook.service"));
  EXPECT_THAT(LastMessage("heal.held"),
              HasSubstr("shop-appnode-1 is healed first: one appnode at a time"));
  clock_.Advance(absl::Seconds(10));
  healer_->Tick();
  EXPECT_EQ(world_.done.size(), 2u) << "appnode-1's restart is still settling";

  // appnode-1's restart settled without bringing it back: appnode-2 has waited, it goes first.
  Set("shop-loadbalancer-1", dm::v1::HOST_HEALTHY);
  clock_.Advance(absl::Seconds(11));
  healer_->Tick();
  ASSERT_EQ(world_.done.size(), 3u);
  EXPECT_EQ(world_.done.back(), "restart shop-appnode-2 guestbook.service");
  clock_.Advance(absl::Seconds(21));
  healer_->Tick();
  ASSERT_EQ(world_.done.size(), 4u);
  EXPECT_EQ(world_.done.back(), "reconverge shop-appnode-1");

  // Once one is healthy, the other climbs on its own.
  Set("shop-appnode-1", dm::v1::HOST_HEALTHY);
  clock_.Advance(absl::Seconds(1));
  healer_->Tick();
  ASSERT_EQ(world_.done.size(), 5u);
  EXPECT_EQ(world_.done.back(), "reconverge shop-appnode-2");
}

TEST_F(HealerTest, EveryHostOfARoleFailingIsNotReplaced) {
  Set("shop-appnode-1", dm::v1::HOST_UNHEALTHY, "guestbook.service");
  Set("shop-appnode-2", dm::v1::HOST_UNHEALTHY, "guestbook.service");
  for (int i = 0; i < 4; ++i) {
    healer_->Tick();
    clock_.Advance(absl::Seconds(61));
  }
  for (const std::string& d : world_.done) EXPECT_THAT(d, ::testing::Not(HasSubstr("replace")));
  EXPECT_THAT(LastMessage("heal.held"), HasSubstr("every appnode fails: a shared cause"));
}

TEST_F(HealerTest, TheDatabaseIsReplacedOnlyWhenTheFleetSaysHow) {
  Set("shop-dbserver-1", dm::v1::HOST_LOST);
  healer_->Tick();
  EXPECT_TRUE(world_.done.empty());
  EXPECT_THAT(LastMessage("heal.held"), HasSubstr("heal: {database: restore-latest}"));
  world_.policy.restore_database = true;
  world_.replace_note = "restored 20261206T120000Z: entries 12 rows";
  healer_->Tick();
  EXPECT_THAT(world_.done, ElementsAre("replace shop-dbserver-1"));
  EXPECT_EQ(LastMessage("heal.replace"),
            "replace done: restored 20261206T120000Z: entries 12 rows");
}

TEST_F(HealerTest, NothingIsDoneWhileHealingIsOffInMaintenanceOrDuringAnOperation) {
  Set("shop-loadbalancer-1", dm::v1::HOST_UNHEALTHY, "nginx.service");
  world_.policy.healing = false;
  healer_->Tick();
  EXPECT_THAT(LastMessage("heal.held"), HasSubstr("healing is off"));
  world_.policy.healing = true;
  world_.policy.maintenance = true;
  healer_->Tick();
  EXPECT_THAT(LastMessage("heal.held"), HasSubstr("maintenance"));
  world_.policy.maintenance = false;
  world_.policy.busy = true;
  healer_->Tick();
  healer_->Tick();  // held once, said once
  EXPECT_THAT(LastMessage("heal.held"), HasSubstr("a fleet operation is running"));
  EXPECT_TRUE(world_.done.empty());
  EXPECT_EQ(Kinds().size(), 3u);  // healing off, maintenance, the operation: each said once
  world_.policy.busy = false;
  healer_->Tick();
  EXPECT_THAT(LastMessage("heal.held"), HasSubstr("just finished: its checks settle first"));
  EXPECT_TRUE(world_.done.empty());
  clock_.Advance(absl::Seconds(16));
  healer_->Tick();
  EXPECT_EQ(world_.done.size(), 1u);
}

TEST_F(HealerTest, TheHealersOwnRewiringIsNoOperationToSettleAfter) {
  Set("shop-appnode-1", dm::v1::HOST_UNHEALTHY, "guestbook.service");
  healer_->Tick();
  EXPECT_EQ(world_.out_of_service, std::set<std::string>{"shop-appnode-1"});
  world_.policy.busy = true;  // the rewire's claim of the fleet, seen a moment after it ended
  clock_.Advance(absl::Seconds(1));
  healer_->Tick();
  world_.policy.busy = false;
  Set("shop-appnode-1", dm::v1::HOST_HEALTHY);
  clock_.Advance(absl::Seconds(1));
  healer_->Tick();
  EXPECT_TRUE(world_.out_of_service.empty()) << "back in at once, not after a settle time";
}

TEST_F(HealerTest, AFlappingHostIsDampedNotEscalated) {
  for (int i = 0; i < 4; ++i) {
    Set("shop-loadbalancer-1", dm::v1::HOST_UNHEALTHY, "nginx.service");
    Set("shop-loadbalancer-1", dm::v1::HOST_HEALTHY);
    clock_.Advance(absl::Seconds(30));
  }
  Set("shop-loadbalancer-1", dm::v1::HOST_UNHEALTHY, "nginx.service");
  healer_->Tick();
  healer_->Tick();
  EXPECT_TRUE(world_.done.empty());
  EXPECT_THAT(Kinds(), ElementsAre("heal.damped:skipped"));
  // Once it has settled (no change within the window), healing resumes.
  clock_.Advance(absl::Minutes(11));
  healer_->Tick();
  EXPECT_THAT(world_.done, ElementsAre("restart shop-loadbalancer-1 nginx.service"));
}

TEST_F(HealerTest, ManyHostsLostAtOnceLookLikeTheControllersNetwork) {
  Set("shop-appnode-1", dm::v1::HOST_LOST);
  Set("shop-appnode-2", dm::v1::HOST_LOST);
  Set("shop-loadbalancer-1", dm::v1::HOST_LOST);
  healer_->Tick();
  EXPECT_TRUE(world_.done.empty());
  EXPECT_THAT(Kinds(), ElementsAre("heal.storm_guard:skipped"));
  // They come back: nothing was replaced, no twin exists.
  Set("shop-appnode-1", dm::v1::HOST_HEALTHY);
  Set("shop-appnode-2", dm::v1::HOST_HEALTHY);
  Set("shop-loadbalancer-1", dm::v1::HOST_HEALTHY);
  healer_->Tick();
  EXPECT_TRUE(world_.done.empty());
}

TEST_F(HealerTest, HostsSeenLostBeforeTheBoardSaysSoStillMakeAStorm) {
  // The board judges hosts lost when asked; its sweep announces them a moment later.
  for (const char* host : {"shop-appnode-1", "shop-appnode-2", "shop-loadbalancer-1"})
    Host(host).health = dm::v1::HOST_LOST;
  healer_->Tick();
  healer_->Tick();
  EXPECT_TRUE(world_.done.empty());
  EXPECT_THAT(Kinds(), ::testing::Contains("heal.storm_guard:skipped"));
}

TEST_F(HealerTest, AgentsThatFellSilentTogetherMakeTheFirstLossAStorm) {
  // A controller too busy to hear its agents: every stream drops at once, and the first host to
  // reach lost_after must not be replaced while the others are still on their way there.
  for (const char* host : {"shop-appnode-1", "shop-appnode-2", "shop-dbserver-1"})
    Host(host).connected = false;
  Host("shop-loadbalancer-1").connected = false;
  Set("shop-loadbalancer-1", dm::v1::HOST_LOST);
  healer_->Tick();
  EXPECT_TRUE(world_.done.empty()) << world_.done.front();
  EXPECT_THAT(Kinds(), ::testing::Contains("heal.storm_guard:skipped"));
  // They come back; a server that then dies alone is replaced.
  for (HostHealthState& h : world_.hosts) h.connected = true;
  Set("shop-loadbalancer-1", dm::v1::HOST_HEALTHY);
  clock_.Advance(absl::Minutes(3));  // the storm window passes
  Host("shop-loadbalancer-1").connected = false;
  Set("shop-loadbalancer-1", dm::v1::HOST_LOST);
  healer_->Tick();
  EXPECT_THAT(world_.done, ElementsAre("replace shop-loadbalancer-1"));
}

TEST_F(HealerTest, TheControllersStartIsASettleTimeToo) {
  healer_ = std::make_unique<Healer>(&world_, audit_.get(), &clock_, HealerOptions{},
                                     [](std::function<void()> action) { action(); });
  Set("shop-loadbalancer-1", dm::v1::HOST_UNHEALTHY, "nginx.service");
  healer_->Tick();
  EXPECT_TRUE(world_.done.empty());
  EXPECT_THAT(LastMessage("heal.held"), HasSubstr("the controller just started"));
  clock_.Advance(absl::Seconds(16));
  healer_->Tick();
  EXPECT_EQ(world_.done.size(), 1u);
}

TEST_F(HealerTest, AHostStillLostAfterACutIsPartOfTheStorm) {
  Set("shop-appnode-1", dm::v1::HOST_LOST);
  Set("shop-appnode-2", dm::v1::HOST_LOST);
  Set("shop-loadbalancer-1", dm::v1::HOST_LOST);
  healer_->Tick();
  Set("shop-appnode-2", dm::v1::HOST_HEALTHY);  // the network is back; appnode-1 is slower
  Set("shop-loadbalancer-1", dm::v1::HOST_HEALTHY);
  healer_->Tick();
  healer_->Tick();
  EXPECT_TRUE(world_.done.empty());
  clock_.Advance(absl::Minutes(3));  // still lost long after the cut: a dead server after all
  healer_->Tick();
  healer_->Tick();
  ASSERT_FALSE(world_.done.empty());
  EXPECT_EQ(world_.done.front(), "replace shop-appnode-1");
}

TEST_F(HealerTest, OneReplacementAtATimeAndAtMostThreeAnHour) {
  HealerOptions options = options_;
  options.storm_share = 1.0;  // this test loses hosts one after another, not a storm
  std::vector<std::function<void()>> parked;
  healer_ = std::make_unique<Healer>(&world_, audit_.get(), &clock_, options,
                                     [&](std::function<void()> a) { parked.push_back(a); });
  Add("shop-appnode-3", "appnode");
  Add("shop-appnode-4", "appnode");
  Add("shop-appnode-5", "appnode");
  auto run_parked = [&] {
    std::vector<std::function<void()>> now;
    now.swap(parked);
    for (auto& a : now) a();
  };
  Set("shop-appnode-1", dm::v1::HOST_LOST);
  Set("shop-appnode-2", dm::v1::HOST_LOST);
  healer_->Tick();
  ASSERT_EQ(parked.size(), 1u);  // the balancers first: both leave them
  run_parked();
  healer_->Tick();
  ASSERT_EQ(parked.size(), 1u);  // one replacement; the second waits
  EXPECT_THAT(LastMessage("heal.held"), HasSubstr("another replacement of the fleet is in flight"));
  run_parked();
  for (const char* host : {"shop-appnode-3", "shop-appnode-4", "shop-appnode-5"}) {
    clock_.Advance(absl::Minutes(3));
    Set(host, dm::v1::HOST_LOST);
    for (int i = 0; i < 3; ++i) {
      healer_->Tick();
      run_parked();
    }
  }
  // appnode-1 (done), appnode-2 and appnode-3 took the hour's three; the rest wait.
  EXPECT_EQ(std::count_if(world_.done.begin(), world_.done.end(),
                          [](const std::string& d) { return d.rfind("replace", 0) == 0; }),
            3);
  EXPECT_THAT(LastMessage("heal.held"), HasSubstr("replacements in the last hour (the cap)"));
}

TEST_F(HealerTest, AFailedRemedyMovesToTheNextRungAndSaysWhy) {
  world_.result = absl::UnavailableError("the agent is not connected");
  Set("shop-loadbalancer-1", dm::v1::HOST_UNHEALTHY, "nginx.service");
  healer_->Tick();
  EXPECT_THAT(Kinds(), ElementsAre("heal.restart:started", "heal.restart:failed"));
  EXPECT_EQ(LastMessage("heal.restart"), "the agent is not connected");
  clock_.Advance(absl::Seconds(21));
  healer_->Tick();
  EXPECT_EQ(world_.done.back(), "reconverge shop-loadbalancer-1");
}

// --- the deploy watch ---

class DeployWatchTest : public HealerTest {
 protected:
  void SetUp() override {
    HealerTest::SetUp();
    world_.policy.commit = "bbbbbbbbbbbbbbbbbbbb";
    world_.policy.healthy_commit = "aaaaaaaaaaaaaaaaaaaa";
    world_.policy.deployed_at = clock_.Now();
    world_.policy.watch = absl::Minutes(2);
  }
};

TEST_F(DeployWatchTest, EveryAppNodeFailingSoonAfterADeployRollsTheFleetBack) {
  clock_.Advance(absl::Seconds(50));
  Set("shop-appnode-1", dm::v1::HOST_UNHEALTHY, "guestbook.service");
  healer_->Tick();
  EXPECT_TRUE(world_.done.empty()) << "one node might be the node: it waits for the others";
  EXPECT_THAT(LastMessage("heal.held"), HasSubstr("just deployed"));
  clock_.Advance(absl::Seconds(5));
  Set("shop-appnode-2", dm::v1::HOST_UNHEALTHY, "guestbook.service");
  healer_->Tick();
  EXPECT_THAT(world_.done, ElementsAre("rollback shop aaaaaaaaaaaaaaaaaaaa"));
  std::string why = LastMessage("heal.rollback");
  EXPECT_THAT(Kinds(), ::testing::Contains("heal.rollback:succeeded"));
  absl::StatusOr<std::vector<EventRecord>> events = store_->ListEvents(EventQuery{100});
  std::string started;
  for (const EventRecord& e : *events)
    if (e.kind == "heal.rollback" && e.outcome == "started") started = e.message;
  EXPECT_THAT(started, HasSubstr("within 55s of deploying bbbbbbbbbbbb"));
  EXPECT_THAT(started, HasSubstr("shop-appnode-1: service[guestbook.service] (guestbook.service is "
                                 "inactive (dead))"));
  EXPECT_THAT(started, HasSubstr("back to aaaaaaaaaaaa"));
  // The fleet runs its healthy commit again: nothing more is rolled back; the nodes' own ladders
  // take over if they still fail.
  clock_.Advance(absl::Seconds(30));
  healer_->Tick();
  EXPECT_EQ(
      std::count(world_.done.begin(), world_.done.end(), "rollback shop aaaaaaaaaaaaaaaaaaaa"), 1);
}

TEST_F(DeployWatchTest, OneFailingNodeIsTheNodesAfterTheGrace) {
  Set("shop-appnode-1", dm::v1::HOST_UNHEALTHY, "guestbook.service");
  healer_->Tick();
  EXPECT_TRUE(world_.done.empty());
  clock_.Advance(options_.deploy_grace);
  healer_->Tick();
  EXPECT_THAT(world_.done, ElementsAre("restart shop-appnode-1 guestbook.service"));
  EXPECT_EQ(world_.out_of_service, std::set<std::string>{"shop-appnode-1"})
      << "it left the balancers at once, grace or not";
}

TEST_F(DeployWatchTest, NothingIsRolledBackAfterTheWindowOrWithoutAHealthyCommit) {
  clock_.Advance(absl::Minutes(2));
  Set("shop-appnode-1", dm::v1::HOST_UNHEALTHY, "guestbook.service");
  Set("shop-appnode-2", dm::v1::HOST_UNHEALTHY, "guestbook.service");
  healer_->Tick();
  EXPECT_THAT(world_.done, ::testing::Not(::testing::Contains(HasSubstr("rollback"))));

  world_.done.clear();
  world_.policy.deployed_at = clock_.Now();
  world_.policy.healthy_commit = "";  // never known healthy: nothing to go back to
  clock_.Advance(options_.restart_settle);
  healer_->Tick();
  EXPECT_THAT(world_.done, ::testing::Not(::testing::Contains(HasSubstr("rollback"))));
}

TEST_F(DeployWatchTest, LostNodesAreNotTheRevisionsFault) {
  Set("shop-appnode-1", dm::v1::HOST_UNHEALTHY, "guestbook.service");
  Set("shop-appnode-2", dm::v1::HOST_LOST);
  healer_->Tick();
  EXPECT_THAT(world_.done, ::testing::Not(::testing::Contains(HasSubstr("rollback"))));
}

TEST_F(DeployWatchTest, AFailedRollbackIsRetriedLaterNotEverySecond) {
  world_.result = absl::UnavailableError("the fleet is busy");
  Set("shop-appnode-1", dm::v1::HOST_UNHEALTHY, "guestbook.service");
  Set("shop-appnode-2", dm::v1::HOST_UNHEALTHY, "guestbook.service");
  healer_->Tick();
  clock_.Advance(absl::Seconds(1));
  healer_->Tick();
  EXPECT_EQ(
      std::count(world_.done.begin(), world_.done.end(), "rollback shop aaaaaaaaaaaaaaaaaaaa"), 1);
  EXPECT_THAT(LastMessage("heal.rollback"), HasSubstr("busy"));
  world_.result = absl::OkStatus();
  clock_.Advance(absl::Seconds(30));
  healer_->Tick();
  EXPECT_EQ(
      std::count(world_.done.begin(), world_.done.end(), "rollback shop aaaaaaaaaaaaaaaaaaaa"), 2);
}

TEST_F(DeployWatchTest, HealingOffPausesTheWatchToo) {
  world_.policy.healing = false;
  Set("shop-appnode-1", dm::v1::HOST_UNHEALTHY, "guestbook.service");
  Set("shop-appnode-2", dm::v1::HOST_UNHEALTHY, "guestbook.service");
  healer_->Tick();
  EXPECT_TRUE(world_.done.empty());
}

}  // namespace
}  // namespace dm
