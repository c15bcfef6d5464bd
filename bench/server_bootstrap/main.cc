// bench-server-bootstrap: from `dmctl servers boot` to the agent connected, for 1, 2 and 4 local
// servers, and the bytes bootstrap sends per server. Starts its own dm-controller on a network of
// its own; needs root, like the local provider.
//
// For each N: boot N servers at once (each its own `dmctl servers boot`), then `dmctl bootstrap`
// all of them (in parallel, it returns once every agent is connected), then a second bootstrap
// (which must change nothing), then destroy them.
#include <unistd.h>

#include <optional>

#include <cstdio>
#include <filesystem>
#include <regex>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "common/cli/command_line.h"
#include "nlohmann/json.hpp"
#include "tests/harness/process.h"

namespace {

using dm::testing::BinaryPath;
using dm::testing::CommandResult;
using dm::testing::RunCommand;

std::string g_config;

CommandResult Dmctl(std::vector<std::string> args) {
  args.insert(args.begin(), {BinaryPath("dmctl"), "--config", g_config});
  return RunCommand(args, absl::Minutes(10));
}

}  // namespace

int main(int argc, char** argv) {
  std::string sizes = "1,2,4";
  dm::CommandLine cli("bench-server-bootstrap: local servers from boot to a connected agent");
  cli.flags().Add("--servers", &sizes, "Comma-separated numbers of servers").ShowDefault();
  if (std::optional<int> exit_code = cli.Parse(argc, argv)) return *exit_code;
  if (::geteuid() != 0) {
    std::fprintf(stderr, "needs root (the local provider makes namespaces and mounts)\n");
    return 1;
  }
  char tmpl[] = "/tmp/dm-bench-servers-XXXXXX";
  std::string dir = ::mkdtemp(tmpl);
  g_config = dir + "/ctl/dmctl.yaml";
  dm::testing::Process controller(
      {BinaryPath("dm-controller"), "--data-dir", dir + "/ctl", "--listen", "127.0.0.1:0",
       "--local-bridge", "dmbench0", "--local-subnet", "10.231.250", "--dns-listen", "off"},
      dir + "/controller.log");
  if (!controller.WaitForLog("listening on", absl::Seconds(30))) {
    std::fprintf(stderr, "controller did not start:\n%s\n", controller.Log().c_str());
    return 1;
  }

  std::printf("%8s %10s %13s %10s %16s %16s\n", "servers", "boot_s", "bootstrap_s", "total_s",
              "bytes/bootstrap", "bytes/re-run");
  int rc = 0;
  for (absl::string_view n_text : absl::StrSplit(sizes, ',')) {
    int n = std::stoi(std::string(n_text));
    std::vector<std::string> names;
    for (int i = 1; i <= n; ++i) names.push_back(absl::StrCat("b", n, "-", i));

    absl::Time start = absl::Now();
    std::vector<std::thread> boots;
    std::vector<int> codes(names.size());
    for (size_t i = 0; i < names.size(); ++i) {
      boots.emplace_back([&, i] { codes[i] = Dmctl({"servers", "boot", names[i]}).exit_code; });
    }
    for (auto& t : boots) t.join();
    absl::Time booted = absl::Now();
    std::vector<std::string> args = {"bootstrap", "--json"};
    args.insert(args.end(), names.begin(), names.end());
    CommandResult first = Dmctl(args);
    absl::Time connected = absl::Now();
    CommandResult again = Dmctl(args);

    double bytes = 0, rerun_bytes = 0;
    nlohmann::json results = nlohmann::json::parse(first.out, nullptr, false);
    nlohmann::json rerun = nlohmann::json::parse(again.out, nullptr, false);
    bool ok =
        first.exit_code == 0 && again.exit_code == 0 && results.is_array() && rerun.is_array();
    for (int c : codes) ok = ok && c == 0;
    if (ok) {
      for (const auto& r : results) bytes += r.value("bytes_sent", 0.0);
      for (const auto& r : rerun) rerun_bytes += r.value("bytes_sent", 0.0);
    } else {
      std::fprintf(stderr, "N=%d failed: %s%s\n", n, first.out.c_str(), first.err.c_str());
      rc = 1;
    }
    std::printf("%8d %10.2f %13.2f %10.2f %16.0f %16.0f\n", n,
                absl::ToDoubleSeconds(booted - start), absl::ToDoubleSeconds(connected - booted),
                absl::ToDoubleSeconds(connected - start), bytes / n, rerun_bytes / n);
    std::fflush(stdout);
    for (const std::string& name : names) Dmctl({"servers", "destroy", name});
  }
  controller.Stop();
  RunCommand({"/bin/sh", "-c", "ip link del dmbench0"});
  if (rc == 0) std::filesystem::remove_all(dir);
  return rc;
}
