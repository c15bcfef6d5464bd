// bench-heal-times: how long self-healing takes on real local servers, median of 5 rounds each:
//   - a stopped service (nginx on the load balancer, the guestbook on an app node, in turns):
//     time until the controller's event says its check failed (detect), and until the service
//     answers again (repair);
//   - a broken config (an app node's environment file damaged, so a restart does not help):
//     detect, and until the app answers again (the host converged again);
//   - a lost app server (killed outright): detect (the host lost), out of the load balancers'
//     upstreams, and replaced (its replacement's converge done and the site serving).
// Starts its own dm-controller (own network, own DNS port) with heartbeats every second and hosts
// lost after 4 s silent (--heartbeat-interval 1 --lost-after 4), and the damping and
// replacement caps raised (this is many failures in a few minutes, by design). Needs root.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "common/cli/command_line.h"
#include "nlohmann/json.hpp"
#include "tests/harness/process.h"

namespace {

using dm::testing::BinaryPath;
using dm::testing::CommandResult;
using dm::testing::RunCommand;

constexpr char kFleet[] = "heal";
std::string g_config, g_dir;

CommandResult Dmctl(std::vector<std::string> args, absl::Duration timeout = absl::Minutes(20)) {
  args.insert(args.begin(), {BinaryPath("dmctl"), "--config", g_config});
  return RunCommand(args, timeout);
}

CommandResult Sh(const std::string& command) {
  return RunCommand({"/bin/sh", "-c", command}, absl::Minutes(2));
}

nlohmann::json DmctlJson(const std::vector<std::string>& args) {
  CommandResult r = Dmctl(args, absl::Minutes(1));
  if (r.exit_code != 0) return nlohmann::json();
  return nlohmann::json::parse(r.out, nullptr, false);
}

std::string AddressOf(const std::string& server) {
  nlohmann::json servers = DmctlJson({"servers", "list", "--json"});
  if (servers.is_array())
    for (const nlohmann::json& s : servers)
      if (s.value("name", "") == server) return s.value("address", "");
  return "";
}

// The server now in a place ("heal-appnode-2" or its replacement "heal-appnode-2r").
std::string ServerIn(const std::string& place) {
  return AddressOf(place).empty() ? place + "r" : place;
}

// sh -c COMMAND inside a server, as root, behind the controller's back.
void InServer(const std::string& server, const std::string& command) {
  const std::string pid_file = g_dir + "/ctl/local/servers/" + server + "/nspawn.pid";
  Sh(absl::StrCat("init=$(pgrep -P \"$(cat ", pid_file, ")\" | head -1) && ",
                  "nsenter -t \"$init\" -m -u -i -n -p -- /bin/sh -c '", command, "'"));
}

// Every process of the server with SIGKILL, then its systemd-nspawn: a machine losing power.
void KillServer(const std::string& server) {
  const std::string state_dir = g_dir + "/ctl/local";
  Sh(absl::StrCat("tag=$(printf '%s' '", state_dir, "' | sha256sum | cut -c1-6); ",
                  "ip netns pids \"dm-", server, "-$tag\" | xargs -r kill -9; kill -9 \"$(cat ",
                  state_dir, "/servers/", server, "/nspawn.pid)\""));
}

std::string HttpCode(const std::string& url) {
  return Sh("curl -s -m 2 -o /dev/null -w '%{http_code}' " + url).out;
}

// Polls `done` every 200 ms; the time it first held, or throws after `timeout`.
absl::Time WaitUntil(const std::string& what, const std::function<bool()>& done,
                     absl::Duration timeout) {
  for (absl::Time end = absl::Now() + timeout; absl::Now() < end;
       absl::SleepFor(absl::Milliseconds(200))) {
    if (done()) return absl::Now();
  }
  throw std::runtime_error("timed out waiting for " + what);
}

// The controller's time of the first event after `since` that `match` accepts, or none.
std::optional<absl::Time> EventTime(absl::Time since,
                                    const std::function<bool(const nlohmann::json&)>& match) {
  nlohmann::json events =
      DmctlJson({"events", "--fleet", kFleet, "--limit", "300", "--json"});  // newest first
  std::optional<absl::Time> first;
  if (!events.is_array()) return first;
  for (const nlohmann::json& e : events) {
    absl::Time at;
    std::string error;
    if (!e["time"].is_string() ||
        !absl::ParseTime(absl::RFC3339_full, e["time"].get<std::string>(), &at, &error)) {
      continue;
    }
    if (at >= since && match(e)) first = at;
  }
  return first;
}

absl::Time AwaitEvent(const std::string& what, absl::Time since,
                      const std::function<bool(const nlohmann::json&)>& match,
                      absl::Duration timeout) {
  std::optional<absl::Time> at;
  WaitUntil(
      what, [&] { return (at = EventTime(since, match)).has_value(); }, timeout);
  return *at;
}

bool Is(const nlohmann::json& e, const std::string& kind, const std::string& subject) {
  return e.value("kind", "") == kind && e.value("subject", "") == subject;
}

void AwaitAllHealthy() {
  WaitUntil(
      "every host healthy",
      [] {
        nlohmann::json hosts = DmctlJson({"health", kFleet, "--json"});
        if (!hosts.is_array() || hosts.size() != 4) return false;
        for (const nlohmann::json& h : hosts)
          if (h.value("health", "") != "healthy") return false;
        return true;
      },
      absl::Minutes(5));
  // The healer lets checks settle after an operation (a replacement, a converge).
  absl::SleepFor(absl::Seconds(16));
}

double Seconds(absl::Duration d) { return absl::ToDoubleSeconds(d); }

// Waits 0 to 5 s at random before a failure: checks run on a 5 s beat, and a failure should not
// always land at the same point of it (detection depends on that point).
void RandomPause() {
  static std::mt19937 random(static_cast<unsigned>(::getpid()));
  absl::SleepFor(absl::Milliseconds(std::uniform_int_distribution<int>(0, 4999)(random)));
}

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  size_t n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

struct Figures {
  std::vector<double> detect, repair, out;
};

void StoppedService(int round, Figures* f) {
  RandomPause();
  // In turns, so that no host changes often enough to be damped.
  const bool balancer = round % 2 == 0;
  const std::string server = balancer ? "heal-loadbalancer-1" : ServerIn("heal-appnode-1");
  const std::string unit = balancer ? "nginx" : "guestbook";
  const std::string url = balancer ? "http://" + AddressOf(server) + "/lb-health"
                                   : "http://" + AddressOf(server) + ":8000/health";
  const absl::Time broke = absl::Now();
  InServer(server, "systemctl stop " + unit);
  absl::Time detected = AwaitEvent(
      "the failed check", broke,
      [&](const nlohmann::json& e) { return Is(e, "health.check_failed", server); },
      absl::Minutes(1));
  absl::Time serving = WaitUntil(
      "the service back", [&] { return HttpCode(url) == "200"; }, absl::Minutes(2));
  f->detect.push_back(Seconds(detected - broke));
  f->repair.push_back(Seconds(serving - broke));
  std::printf("  stopped %-9s on %-20s detect %5.1f s  serving %5.1f s\n", unit.c_str(),
              server.c_str(), f->detect.back(), f->repair.back());
  std::fflush(stdout);
}

void BrokenConfig(int round, Figures* f) {
  RandomPause();
  const std::string server = ServerIn(round % 2 == 0 ? "heal-appnode-1" : "heal-appnode-2");
  const std::string url = "http://" + AddressOf(server) + ":8000/health";
  const absl::Time broke = absl::Now();
  InServer(server,
           "sed -i s/^DM_DB_PASSWORD=.*/DM_DB_PASSWORD=wrong/ "
           "/srv/guestbook/app.env && systemctl restart guestbook");
  absl::Time detected = AwaitEvent(
      "the failed check", broke,
      [&](const nlohmann::json& e) { return Is(e, "health.check_failed", server); },
      absl::Minutes(1));
  AwaitEvent(
      "the re-converge", broke,
      [&](const nlohmann::json& e) {
        return Is(e, "heal.reconverge", server) && e.value("outcome", "") == "succeeded";
      },
      absl::Minutes(3));
  absl::Time serving = WaitUntil(
      "the app back", [&] { return HttpCode(url) == "200"; }, absl::Minutes(1));
  f->detect.push_back(Seconds(detected - broke));
  f->repair.push_back(Seconds(serving - broke));
  std::printf("  broken config on %-20s detect %5.1f s  serving %5.1f s\n", server.c_str(),
              f->detect.back(), f->repair.back());
  std::fflush(stdout);
}

void LostAppServer(Figures* f) {
  RandomPause();
  const std::string server = ServerIn("heal-appnode-2");
  const absl::Time broke = absl::Now();
  KillServer(server);
  absl::Time lost = AwaitEvent(
      "the host lost", broke,
      [&](const nlohmann::json& e) {
        return Is(e, "health.host", server) && absl::StrContains(e.value("message", ""), "-> lost");
      },
      absl::Minutes(1));
  absl::Time out = AwaitEvent(
      "out of the upstreams", broke,
      [&](const nlohmann::json& e) {
        return e.value("kind", "") == "heal.upstreams" &&
               absl::StrContains(e.value("message", ""), "out of the load balancers: " + server);
      },
      absl::Minutes(1));
  absl::Time replaced = AwaitEvent(
      "the replacement", broke,
      [&](const nlohmann::json& e) {
        return Is(e, "heal.replace", server) && e.value("outcome", "") != "started";
      },
      absl::Minutes(6));
  nlohmann::json events = DmctlJson({"events", "--fleet", kFleet, "--limit", "20", "--json"});
  for (const nlohmann::json& e : events) {
    if (Is(e, "heal.replace", server) && e.value("outcome", "") == "failed")
      throw std::runtime_error("the replacement failed: " + e.value("message", ""));
  }
  f->detect.push_back(Seconds(lost - broke));
  f->out.push_back(Seconds(out - broke));
  f->repair.push_back(Seconds(replaced - broke));
  std::printf("  killed %-20s lost %5.1f s  out of upstreams %5.1f s  replaced %5.1f s\n",
              server.c_str(), f->detect.back(), f->out.back(), f->repair.back());
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  int rounds = 5;
  dm::CommandLine cli("bench-heal-times: time to detect and to repair, on real local servers");
  cli.flags().Add("--rounds", &rounds, "Rounds of each failure").ShowDefault().Range(1, 50);
  if (std::optional<int> exit_code = cli.Parse(argc, argv)) return *exit_code;
  if (::geteuid() != 0) {
    std::fprintf(stderr, "needs root (the local provider makes namespaces and mounts)\n");
    return 1;
  }
  char tmpl[] = "/tmp/dm-bench-heal-XXXXXX";
  g_dir = ::mkdtemp(tmpl);
  g_config = g_dir + "/ctl/dmctl.yaml";
  dm::testing::Process controller({BinaryPath("dm-controller"),
                                   "--data-dir",
                                   g_dir + "/ctl",
                                   "--listen",
                                   "127.0.0.1:0",
                                   "--local-bridge",
                                   "dmbench2",
                                   "--local-subnet",
                                   "10.231.252",
                                   "--dns-listen",
                                   "127.0.0.1:29398",
                                   "--deploy-dir",
                                   std::string(DM_SOURCE_DIR) + "/deploy",
                                   "--heartbeat-interval",
                                   "1",
                                   "--lost-after",
                                   "4",
                                   "--heal-replacements-per-hour",
                                   "100",
                                   "--heal-flap-changes",
                                   "1000"},
                                  g_dir + "/controller.log");
  if (!controller.WaitForLog("listening on", absl::Seconds(30))) {
    std::fprintf(stderr, "controller did not start:\n%s\n", controller.Log().c_str());
    return 1;
  }
  CommandResult repo =
      Sh(absl::StrCat("mkdir ", g_dir, "/app && cd ", g_dir, "/app && cp -r ", DM_SOURCE_DIR,
                      "/deploy/examples/app/guestbook.py ", DM_SOURCE_DIR,
                      "/deploy/examples/app/static . && git init -q -b main && ",
                      "git -c user.name=b -c user.email=b@b add . && ",
                      "git -c user.name=b -c user.email=b@b commit -qm v1"));
  const std::string fleet = g_dir + "/heal.yaml";
  if (FILE* f = std::fopen(fleet.c_str(), "w")) {
    std::fputs(
        "name: heal\ndomain: heal.test\nroles:\n  dbserver: 1\n  appnode: 2\n"
        "  loadbalancer: 1\napp:\n  repository: app\n  revision: main\n"
        "  name: guestbook\n  wsgi: guestbook:app\n"
        "  packages: [python3-flask, python3-psycopg2, python3-pymemcache]\n"
        "  env: {GUESTBOOK_SECRET_KEY: {secret: guestbook.secret_key}}\n"
        "  migrate: python3 guestbook.py migrate\n  static: static\n"
        "secrets:\n  database.password: {generate: 24}\n  guestbook.secret_key: {generate: 32}\n",
        f);
    std::fclose(f);
  }
  int failed = 0;
  try {
    if (repo.exit_code != 0) throw std::runtime_error("the app repository: " + repo.out);
    CommandResult up = Dmctl({"up", fleet});
    if (up.exit_code != 0) throw std::runtime_error("dmctl up failed:\n" + up.out + up.err);
    Figures stopped, config, lost;
    AwaitAllHealthy();
    std::printf("a stopped service:\n");
    for (int i = 0; i < rounds; ++i) {
      StoppedService(i, &stopped);
      AwaitAllHealthy();
    }
    std::printf("a broken config:\n");
    for (int i = 0; i < rounds; ++i) {
      BrokenConfig(i, &config);
      AwaitAllHealthy();
    }
    std::printf("a lost app server:\n");
    for (int i = 0; i < rounds; ++i) {
      LostAppServer(&lost);
      AwaitAllHealthy();
    }
    std::printf("\nmedians of %d (target)      detect           repair\n", rounds);
    std::printf("a stopped service          %5.1f s (< 5 s)   %5.1f s serving (< 15 s)\n",
                Median(stopped.detect), Median(stopped.repair));
    std::printf("a broken config            %5.1f s (< 5 s)   %5.1f s serving\n",
                Median(config.detect), Median(config.repair));
    std::printf(
        "a lost app server          %5.1f s (< 5 s)   %5.1f s out of upstreams (< 10 s), "
        "%5.1f s replaced (< 90 s)\n",
        Median(lost.detect), Median(lost.out), Median(lost.repair));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n(the controller's log: %s/controller.log)\n", e.what(),
                 g_dir.c_str());
    failed = 1;
  }
  Dmctl({"down", kFleet, "--yes"});
  controller.Stop(absl::Seconds(10));
  if (!failed) std::filesystem::remove_all(g_dir);
  return failed;
}
