// Health checks and self-healing end to end on real local servers (ctest label "health"; needs
// root). One fleet (a database server, two app nodes, a load balancer) goes through what breaks
// in production, behind the controller's back, inside the servers:
// - nginx stopped on the load balancer: restarted, and the events say check failed, restart,
//   recovered;
// - the app's environment file damaged so that a restart does not help: converged again;
// - an app server killed outright while requests flow through the load balancer: it leaves the
//   upstreams (no failed answer after that), a replacement boots and serves, the old server and
//   its agent are gone;
// - the load balancer's server killed: a new one serves, and PowerDNS answers with its address;
// - every agent cut off at once: all lost, nothing replaced, all healthy again afterwards;
// - a revision whose /health starts failing a minute after it starts: its deploy passes each
//   node's settle window, then every app node fails and the fleet goes back to the last healthy
//   commit on its own, while the site keeps answering;
// - a service that keeps crashing: damped and reported, no replacement.
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <thread>

#include <gmock/gmock.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "tests/harness/local_servers_fixture.h"

namespace dm::testing {
namespace {

class HealthTest : public LocalServersTest {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root";
    dns_port_ = 28000 + ::getpid() % 2000;
    // The harness's heartbeats (every half second) make a killed server lost within the grace's
    // floor of 10 s.
    SetUpWith({"--dns-listen", absl::StrCat("127.0.0.1:", dns_port_)});
    if (IsSkipped()) return;
    first_commit_ = MakeAppRepository();
  }

  nlohmann::json Health() {
    CommandResult r = Dmctl({"health", "shop", "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return nlohmann::json::parse(r.out, nullptr, false);
  }
  std::string HealthOf(const std::string& host) {
    nlohmann::json hosts = Health();
    if (!hosts.is_array()) return "";
    for (const nlohmann::json& h : hosts)
      if (h["name"] == host) return h["health"];
    return "";
  }
  bool AllHealthy(size_t hosts) {
    nlohmann::json all = Health();
    if (!all.is_array() || all.size() != hosts) return false;
    for (const nlohmann::json& h : all)
      if (h["health"] != "healthy") return false;
    return true;
  }
  // Newest first.
  nlohmann::json Events() {
    CommandResult r = Dmctl({"events", "--fleet", "shop", "--limit", "1000", "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return nlohmann::json::parse(r.out, nullptr, false);
  }
  bool HasEvent(const std::string& kind, const std::string& subject, const std::string& outcome) {
    for (const nlohmann::json& e : Events()) {
      if (e["kind"] == kind && (subject.empty() || e["subject"] == subject) &&
          (outcome.empty() || e["outcome"] == outcome)) {
        return true;
      }
    }
    return false;
  }
  size_t CountEvents(const std::string& kind) {
    size_t n = 0;
    for (const nlohmann::json& e : Events()) n += e["kind"] == kind ? 1 : 0;
    return n;
  }
  bool WaitFor(const std::function<bool()>& done, absl::Duration timeout) {
    for (absl::Time end = absl::Now() + timeout; absl::Now() < end;) {
      if (done()) return true;
      absl::SleepFor(absl::Milliseconds(500));
    }
    return done();
  }
  std::string AddressOf(const std::string& server) {
    for (const nlohmann::json& s : Servers())
      if (s["name"] == server) return s["address"];
    return "";
  }
  bool ServerListed(const std::string& server) { return !AddressOf(server).empty(); }
  std::string Get(const std::string& url) {
    return Sh("curl -s -m 5 -o /dev/null -w '%{http_code}' " + url).output;
  }

  std::string first_commit_;
};

// Requests through the load balancer every 200 ms, each answer's status kept with its time.
class RequestLoop {
 public:
  explicit RequestLoop(std::string url) : url_(std::move(url)) {
    thread_ = std::thread([this] {
      while (!stop_) {
        ProcessSpec spec;
        spec.argv = {"curl", "-s", "-m", "10", "-o", "/dev/null", "-w", "%{http_code}", url_};
        spec.timeout = absl::Seconds(15);
        absl::StatusOr<ProcessResult> r = RunProcess(spec);
        {
          std::lock_guard<std::mutex> lock(mu_);
          answers_.push_back({absl::Now(), r.ok() ? r->output : "error"});
        }
        absl::SleepFor(absl::Milliseconds(200));
      }
    });
  }
  ~RequestLoop() { Stop(); }
  void Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  // Answers other than 200 since `since`, as "time code".
  std::vector<std::string> FailuresSince(absl::Time since) {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<std::string> failures;
    for (const auto& [at, code] : answers_)
      if (at >= since && code != "200") failures.push_back(absl::FormatTime(at) + " " + code);
    return failures;
  }
  size_t count() {
    std::lock_guard<std::mutex> lock(mu_);
    return answers_.size();
  }

 private:
  std::string url_;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::vector<std::pair<absl::Time, std::string>> answers_;
  std::thread thread_;
};

TEST_F(HealthTest, OneFleetThroughWhatBreaksInProduction) {
  const std::string shop = WriteFleet("shop", "  dbserver: 1\n  appnode: 2\n  loadbalancer: 1\n");
  CommandResult up = Dmctl({"up", shop}, "", absl::Minutes(15));
  ASSERT_EQ(up.exit_code, 0) << up.out << up.err << AllLogs();

  // Every host runs its role's checks; all pass.
  ASSERT_TRUE(WaitFor([&] { return AllHealthy(4); }, absl::Seconds(60))) << Health().dump(2);
  nlohmann::json health = Health();
  for (const nlohmann::json& host : health) {
    ASSERT_GE(host["checks"].size(), 2u) << host.dump(2);
    for (const nlohmann::json& check : host["checks"]) {
      EXPECT_EQ(check["state"], "passing") << check.dump();
      for (const char* field : {"name", "kind", "state", "since", "output"})
        EXPECT_TRUE(check.contains(field)) << field;
    }
  }
  const std::string lb = AddressOf("shop-loadbalancer-1");
  // The healer lets checks settle for a while after an operation (up, here).
  absl::SleepFor(absl::Seconds(16));

  {
    SCOPED_TRACE("nginx stopped on the load balancer");
    InServer("shop-loadbalancer-1", "systemctl stop nginx");
    absl::Time stopped = absl::Now();
    ASSERT_TRUE(
        WaitFor([&] { return Get("http://" + lb + "/lb-health") == "200"; }, absl::Seconds(60)))
        << AllLogs();
    absl::Duration down = absl::Now() - stopped;
    EXPECT_LT(down, absl::Seconds(25)) << "serving again after " << down;
    EXPECT_TRUE(WaitFor([&] { return HasEvent("heal.recovered", "shop-loadbalancer-1", ""); },
                        absl::Seconds(60)));
    EXPECT_TRUE(HasEvent("health.check_failed", "shop-loadbalancer-1", ""));
    EXPECT_TRUE(HasEvent("heal.restart", "shop-loadbalancer-1", "succeeded"));
  }

  {
    SCOPED_TRACE("the app's environment file damaged: a restart does not help");
    InServer("shop-appnode-1",
             "sed -i s/^DM_DB_PASSWORD=.*/DM_DB_PASSWORD=wrong/ "
             "/srv/guestbook/app.env && systemctl restart guestbook");
    ASSERT_TRUE(WaitFor([&] { return HasEvent("heal.reconverge", "shop-appnode-1", "succeeded"); },
                        absl::Minutes(3)))
        << Events().dump(2);
    ASSERT_TRUE(WaitFor([&] { return HealthOf("shop-appnode-1") == "healthy"; }, absl::Minutes(1)));
    // Out of the load balancers while it was broken, back in now.
    EXPECT_TRUE(WaitFor(
        [&] {
          for (const nlohmann::json& e : Events())
            if (e["kind"] == "heal.upstreams" &&
                absl::StrContains(e["message"].get<std::string>(), "back in: shop-appnode-1"))
              return true;
          return false;
        },
        absl::Seconds(30)));
  }

  {
    SCOPED_TRACE("an app server killed outright while requests flow");
    RequestLoop requests("http://" + lb + "/");
    absl::SleepFor(absl::Seconds(2));
    KillServer("shop-appnode-2");
    ASSERT_TRUE(WaitFor(
        [&] {
          for (const nlohmann::json& e : Events())
            if (e["kind"] == "heal.upstreams" && absl::StrContains(e["message"].get<std::string>(),
                                                                   "out of the load balancers: "
                                                                   "shop-appnode-2"))
              return true;
          return false;
        },
        absl::Seconds(30)))
        << Events().dump(2);
    absl::Time left = absl::Now();
    ASSERT_TRUE(WaitFor([&] { return HasEvent("heal.replace", "shop-appnode-2", "succeeded"); },
                        absl::Minutes(5)))
        << Events().dump(2) << AllLogs();
    requests.Stop();
    EXPECT_THAT(requests.FailuresSince(left), ::testing::IsEmpty());
    EXPECT_GT(requests.count(), 20u);
    EXPECT_FALSE(ServerListed("shop-appnode-2"));
    EXPECT_TRUE(ServerListed("shop-appnode-2r"));
    EXPECT_EQ(AgentState("shop-appnode-2"), "");  // removed: its certificate is revoked
    ASSERT_TRUE(WaitFor([&] { return AllHealthy(4); }, absl::Seconds(60))) << Health().dump(2);
    // The replacement serves: both app nodes answer through the load balancer.
    EXPECT_EQ(Get("http://" + lb + "/"), "200");
  }

  {
    SCOPED_TRACE("the load balancer's server killed");
    KillServer("shop-loadbalancer-1");
    ASSERT_TRUE(
        WaitFor([&] { return HasEvent("heal.replace", "shop-loadbalancer-1", "succeeded"); },
                absl::Minutes(5)))
        << Events().dump(2) << AllLogs();
    const std::string new_lb = AddressOf("shop-loadbalancer-1r");
    ASSERT_FALSE(new_lb.empty());
    EXPECT_EQ(Dig("shop.test"), new_lb);
    EXPECT_EQ(Dig("www.shop.test"), new_lb);
    EXPECT_EQ(Get("http://" + new_lb + "/"), "200");
  }

  {
    SCOPED_TRACE("every agent cut off from the controller at once");
    ASSERT_TRUE(WaitFor([&] { return AllHealthy(4); }, absl::Seconds(60))) << Health().dump(2);
    const size_t servers = Servers().size();
    const size_t replacements = CountEvents("heal.replace");
    Sh("ip link set " + bridge_ + " down");
    bool all_lost = WaitFor(
        [&] {
          nlohmann::json hosts = Health();
          for (const nlohmann::json& h : hosts)
            if (h["health"] != "lost") return false;
          return hosts.size() == 4;
        },
        absl::Seconds(30));
    absl::SleepFor(absl::Seconds(5));  // time enough for a wrong decision
    Sh("ip link set " + bridge_ + " up");
    EXPECT_TRUE(all_lost) << Health().dump(2);
    EXPECT_TRUE(HasEvent("heal.storm_guard", "", "skipped"));
    ASSERT_TRUE(WaitFor([&] { return AllHealthy(4); }, absl::Seconds(90))) << Health().dump(2);
    EXPECT_EQ(CountEvents("heal.replace"), replacements);
    EXPECT_EQ(Servers().size(), servers);  // no twin
  }

  {
    SCOPED_TRACE("a revision whose /health fails a minute after it starts");
    const std::string lb_now = AddressOf("shop-loadbalancer-1r");
    const std::string bad = CommitToApp(
        "sed -i 's/^import html$/import html\\nimport time\\nSTARTED = time.time()/' "
        "guestbook.py && sed -i 's/^def health():$/def health():\\n    if time.time() - STARTED "
        "> 60:\\n        flask.abort(500)/' guestbook.py",
        "v2: /health fails after a minute");
    RequestLoop requests("http://" + lb_now + "/");
    const absl::Time start = absl::Now();
    // Each node passes its settle window: the failure comes later.
    CommandResult deploy = Dmctl({"deploy", "shop"}, "", absl::Minutes(5));
    ASSERT_EQ(deploy.exit_code, 0) << deploy.out << deploy.err;
    EXPECT_THAT(deploy.out, ::testing::HasSubstr("checks passed")) << deploy.out;
    for (const char* node : {"shop-appnode-1", "shop-appnode-2r"}) {
      EXPECT_EQ(Sh(absl::StrCat("curl -s -m 5 http://", AddressOf(node), ":8000/version")).output,
                bad + "\n");
    }
    ASSERT_TRUE(
        WaitFor([&] { return HasEvent("heal.rollback", "shop", "succeeded"); }, absl::Minutes(5)))
        << Events().dump(2) << AllLogs();
    for (const char* node : {"shop-appnode-1", "shop-appnode-2r"}) {
      EXPECT_EQ(Sh(absl::StrCat("curl -s -m 5 http://", AddressOf(node), ":8000/version")).output,
                first_commit_ + "\n")
          << node;
    }
    std::string why;
    for (const nlohmann::json& e : Events())
      if (e["kind"] == "heal.rollback" && e["outcome"] == "started") why = e["message"];
    EXPECT_THAT(why, ::testing::HasSubstr("http[http://127.0.0.1:8000/health]")) << why;
    EXPECT_THAT(why, ::testing::HasSubstr("back to " + first_commit_.substr(0, 12))) << why;
    ASSERT_TRUE(WaitFor([&] { return AllHealthy(4); }, absl::Seconds(60))) << Health().dump(2);
    requests.Stop();
    EXPECT_THAT(requests.FailuresSince(start), ::testing::IsEmpty());
    EXPECT_GT(requests.count(), 100u);
  }

  {
    SCOPED_TRACE("a service that keeps crashing is damped, not escalated");
    const size_t replacements = CountEvents("heal.replace");
    // Whichever server holds the load balancer's place now.
    const std::string balancer =
        ServerListed("shop-loadbalancer-1r") ? "shop-loadbalancer-1r" : "shop-loadbalancer-1";
    const std::string lb_now = AddressOf(balancer);
    // nginx dies, the healer restarts it, it dies again...: the host's health keeps changing.
    // Every nginx process, master and workers, by name: a worker left holding port 80 would make
    // the restart fail for another reason (systemd inside a container cannot always list a
    // unit's processes for `systemctl kill`).
    for (int crash = 0; crash < 8 && !HasEvent("heal.damped", balancer, ""); ++crash) {
      InServer(balancer, "pkill -KILL -x nginx");
      WaitFor(
          [&] {
            return HasEvent("heal.damped", balancer, "") || HealthOf(balancer) == "unhealthy";
          },
          absl::Seconds(30));
      WaitFor(
          [&] { return HasEvent("heal.damped", balancer, "") || HealthOf(balancer) == "healthy"; },
          absl::Seconds(40));
    }
    ASSERT_TRUE(HasEvent("heal.damped", balancer, "skipped")) << Events().dump(2);
    // Damped: reported, left alone; nothing escalates to a replacement.
    absl::SleepFor(absl::Seconds(25));
    EXPECT_EQ(CountEvents("heal.replace"), replacements);
    InServer(balancer, "systemctl start nginx");
    EXPECT_TRUE(WaitFor([&] { return Get("http://" + lb_now + "/lb-health") == "200"; },
                        absl::Seconds(30)));
  }
}

}  // namespace
}  // namespace dm::testing
