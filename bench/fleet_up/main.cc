// bench-fleet-up: the wall time of `dmctl up` from bare local servers to a site that answers,
// for fleets of 1, 3 and 5 hosts, then of a second `dmctl up` (nothing to change) and of a
// rolling deploy of a new commit. Starts its own dm-controller (own network, own DNS port, own
// apt proxy); needs root, like the local provider.
//
// Fleets: 1 host = dbappbalancer; 3 = dbserver + appnode + loadbalancer; 5 = dbserver + 3
// appnodes + loadbalancer. Time is mostly apt on the hosts, which work in parallel. The apt proxy
// starts cold: `--warm` first brings up and removes a 1-host fleet, so that every measured fleet
// gets its packages from this machine (as a second fleet of an operator would).
#include <unistd.h>

#include <optional>

#include <cstdio>
#include <filesystem>
#include <stdexcept>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "common/cli/command_line.h"
#include "tests/harness/process.h"

namespace {

using dm::testing::BinaryPath;
using dm::testing::CommandResult;
using dm::testing::RunCommand;

std::string g_config, g_dir;

CommandResult Dmctl(std::vector<std::string> args) {
  args.insert(args.begin(), {BinaryPath("dmctl"), "--config", g_config});
  return RunCommand(args, absl::Minutes(30));
}

CommandResult Sh(const std::string& command) {
  return RunCommand({"/bin/sh", "-c", command}, absl::Minutes(2));
}

std::string Roles(int hosts) {
  if (hosts == 1) return "  dbappbalancer: 1\n";
  return absl::StrCat("  dbserver: 1\n  appnode: ", hosts - 2, "\n  loadbalancer: 1\n");
}

// The example guestbook, as the fleet file's `app:` says how to run it.
constexpr char kGuestbookApp[] =
    "  name: guestbook\n  wsgi: guestbook:app\n"
    "  packages: [python3-flask, python3-psycopg2, python3-pymemcache]\n"
    "  env: {GUESTBOOK_SECRET_KEY: {secret: guestbook.secret_key}}\n"
    "  migrate: python3 guestbook.py migrate\n  static: static\n";

std::string WriteFleet(const std::string& name, int hosts) {
  std::string path = absl::StrCat(g_dir, "/", name, ".yaml");
  std::string text =
      absl::StrCat("name: ", name, "\ndomain: ", name, ".test\nroles:\n", Roles(hosts),
                   "app:\n  repository: app\n  revision: main\n", kGuestbookApp,
                   "secrets:\n  database.password: {generate: 24}\n"
                   "  guestbook.secret_key: {generate: 32}\n");
  FILE* f = std::fopen(path.c_str(), "w");
  std::fputs(text.c_str(), f);
  std::fclose(f);
  return path;
}

// Runs a dmctl command and returns its wall time in seconds; throws on failure, so that main
// takes the fleet down before it exits.
double Timed(const std::vector<std::string>& args) {
  absl::Time start = absl::Now();
  CommandResult r = Dmctl(args);
  double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  if (r.exit_code != 0) throw std::runtime_error("dmctl " + args[0] + " failed:\n" + r.out + r.err);
  return seconds;
}

}  // namespace

int main(int argc, char** argv) {
  std::string sizes = "1,3,5";
  bool warm = false;
  dm::CommandLine cli("bench-fleet-up: dmctl up from bare servers to a serving site");
  cli.flags().Add("--hosts", &sizes, "Comma-separated fleet sizes (1, 3, 5, ...)").ShowDefault();
  cli.flags().Flag("--warm", &warm, "Fill the apt proxy's cache with a fleet first (not measured)");
  if (std::optional<int> exit_code = cli.Parse(argc, argv)) return *exit_code;
  if (::geteuid() != 0) {
    std::fprintf(stderr, "needs root (the local provider makes namespaces and mounts)\n");
    return 1;
  }
  char tmpl[] = "/tmp/dm-bench-fleet-up-XXXXXX";
  g_dir = ::mkdtemp(tmpl);
  g_config = g_dir + "/ctl/dmctl.yaml";
  dm::testing::Process controller(
      {BinaryPath("dm-controller"), "--data-dir", g_dir + "/ctl", "--listen", "127.0.0.1:0",
       "--local-bridge", "dmbench1", "--local-subnet", "10.231.251", "--dns-listen",
       "127.0.0.1:29399", "--deploy-dir", std::string(DM_SOURCE_DIR) + "/deploy"},
      g_dir + "/controller.log");
  if (!controller.WaitForLog("listening on", absl::Seconds(30))) {
    std::fprintf(stderr, "controller did not start:\n%s\n", controller.Log().c_str());
    return 1;
  }
  CommandResult repo =
      Sh(absl::StrCat("mkdir ", g_dir, "/app && cd ", g_dir, "/app && cp ", DM_SOURCE_DIR,
                      "/deploy/examples/app/guestbook.py . && git init -q -b main && ",
                      "git -c user.name=b -c user.email=b@b add . && ",
                      "git -c user.name=b -c user.email=b@b commit -qm v1"));
  if (repo.exit_code != 0) {
    std::fprintf(stderr, "could not make the app repository: %s\n", repo.out.c_str());
    return 1;
  }
  std::string current;  // the fleet up now, for the clean-up after a failure
  try {
    if (warm) {
      current = "warm";
      std::string path = WriteFleet("warm", 1);
      Timed({"up", path});
      Timed({"down", "warm", "--yes"});
    }
    std::printf("%-6s %-10s %-12s %-10s %s\n", "hosts", "up (s)", "again (s)", "deploy (s)",
                "apt cache");
    int round = 0;
    for (absl::string_view size : absl::StrSplit(sizes, ',')) {
      int hosts = 0;
      if (!absl::SimpleAtoi(size, &hosts) || hosts < 1 || hosts == 2) {
        std::fprintf(stderr, "fleet sizes are 1 or 3 and more, not '%s'\n",
                     std::string(size).c_str());
        return 2;
      }
      std::string name = absl::StrCat("bench", hosts);
      std::string path = WriteFleet(name, hosts);
      current = name;
      bool cold = !warm && round++ == 0;
      double up = Timed({"up", path});
      double again = Timed({"up", path});
      Sh(absl::StrCat("cd ", g_dir, "/app && echo '# r", hosts, "' >> guestbook.py && ",
                      "git -c user.name=b -c user.email=b@b commit -qam r", hosts));
      double deploy = Timed({"deploy", name});
      std::printf("%-6d %-10.1f %-12.2f %-10.1f %s\n", hosts, up, again, deploy,
                  cold ? "cold" : "warm");
      std::fflush(stdout);
      Timed({"down", name, "--yes"});
      current.clear();
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    if (!current.empty()) Dmctl({"down", current, "--yes"});
    controller.Stop(absl::Seconds(10));
    return 1;
  }
  controller.Stop(absl::Seconds(10));
  std::filesystem::remove_all(g_dir);
  return 0;
}
