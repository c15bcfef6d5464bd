// bench-agent-fleet: enroll and connect N agents to a real dm-controller and measure it.
//
// For each N it starts a fresh dm-controller (the real binary, heartbeat every 5 s), enrolls N
// agents through the Enrollment RPC (real CSRs, one token with N uses), then connects them all,
// each with its own channel, TCP connection and mTLS certificate, simulated in this one process
// (see simulated_agent.h). It prints:
//   enroll       time to enroll all N
//   connect      time from the first dial until every stream has its Welcome
//   rss/agent    the controller's resident memory growth per connected agent
//   idle cpu     the controller's CPU while the fleet only heartbeats
//   fan-out      a no-op sent to every agent (Admin.Ping): p50/p99 round trip as the controller
//                measures it, and the time until the last answer reached the caller
//   errors       streams that failed, agents that did not answer
#include <optional>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <regex>
#include <thread>

#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "bench/agent_fleet/process_stats.h"
#include "bench/agent_fleet/simulated_agent.h"
#include "common/cli/command_line.h"
#include "common/controller_channel.h"
#include "common/files.h"
#include "common/join_token.h"
#include "common/tls/csr.h"
#include "common/tls/key.h"
#include "dm/v1/admin.grpc.pb.h"
#include "dm/v1/enroll.grpc.pb.h"
#include "tests/harness/process.h"

namespace dm::bench {
namespace {

struct Options {
  std::vector<int> sizes = {100, 1000, 10000};
  double heartbeat_seconds = 5;
  double idle_seconds = 10;
  int enroll_threads = 4;
  // Dials in flight at once. Ten thousand simultaneous TLS handshakes overflow the listen
  // backlog and gRPC's handshake deadlines; real agents spread out by their jittered backoff.
  int connect_window = 256;
  bool json = false;
};

struct Figures {
  int agents = 0;
  double enroll_s = 0, connect_s = 0;
  double rss_before_mb = 0, rss_after_mb = 0, rss_per_agent_kb = 0, load_rss_per_agent_kb = 0;
  double idle_cpu_percent = 0;
  double fanout_p50_ms = 0, fanout_p99_ms = 0, fanout_last_ms = 0;
  int stream_errors = 0, unanswered = 0;
};

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

struct AgentCredentials {
  std::string key_pem, cert_pem;
};

// Enrolls `n` agents with `token`, `threads` at a time. Aborts the benchmark on a refusal.
std::vector<AgentCredentials> EnrollAll(const std::string& address, const std::string& ca_pem,
                                        const JoinToken& token, int n, int threads) {
  std::vector<AgentCredentials> out(static_cast<size_t>(n));
  std::atomic<int> next{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      auto stub = dm::v1::Enrollment::NewStub(CreateControllerChannel(address, {ca_pem, "", ""}));
      for (int i = next++; i < n; i = next++) {
        EvpPkeyPtr key = *GenerateKey();
        dm::v1::EnrollRequest request;
        request.set_token_id(token.id);
        request.set_token_secret(token.secret);
        request.set_name(absl::StrFormat("sim-%05d", i));
        request.set_csr_pem(*CreateCsr(key.get(), request.name()));
        dm::v1::EnrollResponse response;
        grpc::ClientContext context;
        grpc::Status s = stub->Enroll(&context, request, &response);
        if (!s.ok()) {
          std::fprintf(stderr, "enrollment %d failed: %s\n", i, s.error_message().c_str());
          std::exit(1);
        }
        out[static_cast<size_t>(i)] = {*PrivateKeyToPem(key.get()), response.certificate_pem()};
      }
    });
  }
  for (auto& w : workers) w.join();
  return out;
}

Figures RunOnce(int n, const Options& options) {
  Figures f;
  f.agents = n;
  char tmpl[] = "/tmp/dm-bench-fleet-XXXXXX";
  std::string dir = mkdtemp(tmpl);
  testing::Process controller(
      {testing::BinaryPath("dm-controller"), "--data-dir", dir + "/ctl", "--listen", "127.0.0.1:0",
       "--heartbeat-interval", absl::StrFormat("%g", options.heartbeat_seconds), "--dns-listen",
       "off"},
      dir + "/controller.log");
  if (!controller.WaitForLog("listening on", absl::Seconds(30))) {
    std::fprintf(stderr, "controller did not start:\n%s\n", controller.Log().c_str());
    std::exit(1);
  }
  std::smatch match;
  std::string log = controller.Log();
  std::regex_search(log, match, std::regex("listening on ([0-9.]+:[0-9]+)"));
  const std::string address = match[1];
  const std::string ca_pem = *ReadFile(dir + "/ctl/ca.crt");
  auto admin = dm::v1::Admin::NewStub(CreateControllerChannel(
      address, {ca_pem, *ReadFile(dir + "/ctl/admin.key"), *ReadFile(dir + "/ctl/admin.crt")}));

  dm::v1::CreateTokenRequest token_request;
  token_request.set_uses(static_cast<uint32_t>(n));
  dm::v1::CreateTokenResponse token_response;
  {
    grpc::ClientContext context;
    grpc::Status s = admin->CreateToken(&context, token_request, &token_response);
    if (!s.ok()) {
      std::fprintf(stderr, "token create failed: %s\n", s.error_message().c_str());
      std::exit(1);
    }
  }
  JoinToken token = *JoinToken::Parse(token_response.token());

  absl::Time t0 = absl::Now();
  std::vector<AgentCredentials> creds =
      EnrollAll(address, ca_pem, token, n, options.enroll_threads);
  f.enroll_s = absl::ToDoubleSeconds(absl::Now() - t0);
  absl::SleepFor(absl::Seconds(1));
  uint64_t rss_before = ResidentBytes(controller.pid());
  uint64_t load_rss_before = ResidentBytes(getpid());

  FleetCounters counters;
  std::vector<std::unique_ptr<SimulatedAgent>> agents;
  agents.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    agents.push_back(std::make_unique<SimulatedAgent>(
        address,
        ChannelCredentialsPem{ca_pem, creds[static_cast<size_t>(i)].key_pem,
                              creds[static_cast<size_t>(i)].cert_pem},
        &counters));
  }
  creds.clear();

  // Heartbeats from each agent's Welcome on, spread evenly over the interval as independent
  // agents' would be.
  std::atomic<bool> stop_heartbeats{false};
  std::thread heartbeats([&] {
    const absl::Duration tick = absl::Milliseconds(50);
    const double per_tick = n * absl::ToDoubleSeconds(tick) / options.heartbeat_seconds;
    double owed = 0;
    size_t cursor = 0;
    while (!stop_heartbeats) {
      absl::SleepFor(tick);
      for (owed += per_tick; owed >= 1; owed -= 1) {
        agents[cursor]->SendHeartbeat();
        cursor = (cursor + 1) % agents.size();
      }
    }
  });

  t0 = absl::Now();
  absl::Time give_up = absl::Now() + absl::Seconds(600);
  absl::Time next_progress = absl::Now() + absl::Seconds(10);
  for (int i = 0; i < n || counters.connected + counters.failed < n;) {
    if (absl::Now() > give_up) break;
    if (i < n && i - counters.connected - counters.failed < options.connect_window) {
      agents[static_cast<size_t>(i++)]->Start();
      continue;
    }
    if (absl::Now() > next_progress) {
      std::fprintf(stderr, "  %d of %d connected, %d failed\n", counters.connected.load(), n,
                   counters.failed.load());
      next_progress = absl::Now() + absl::Seconds(10);
    }
    absl::SleepFor(absl::Milliseconds(1));
  }
  f.connect_s = absl::ToDoubleSeconds(absl::Now() - t0);

  absl::SleepFor(absl::Seconds(3));
  f.rss_before_mb = static_cast<double>(rss_before) / (1 << 20);
  uint64_t rss_after = ResidentBytes(controller.pid());
  f.rss_after_mb = static_cast<double>(rss_after) / (1 << 20);
  f.rss_per_agent_kb =
      (static_cast<double>(rss_after) - static_cast<double>(rss_before)) / 1024.0 / n;
  f.load_rss_per_agent_kb =
      (static_cast<double>(ResidentBytes(getpid())) - static_cast<double>(load_rss_before)) /
      1024.0 / n;

  double cpu0 = CpuSeconds(controller.pid());
  absl::Time idle_start = absl::Now();
  absl::SleepFor(absl::Seconds(options.idle_seconds));
  f.idle_cpu_percent = 100.0 * (CpuSeconds(controller.pid()) - cpu0) /
                       absl::ToDoubleSeconds(absl::Now() - idle_start);

  // Fan-out: one no-op to every agent.
  std::vector<double> rtts_ms;
  {
    dm::v1::PingRequest ping;
    ping.set_timeout_ms(120000);
    grpc::ClientContext context;
    absl::Time start = absl::Now();
    absl::Time last = start;
    auto reader = admin->Ping(&context, ping);
    dm::v1::PingReplies batch;
    while (reader->Read(&batch)) {
      for (const auto& r : batch.replies()) {
        if (!r.error().empty()) {
          f.unanswered++;
          continue;
        }
        rtts_ms.push_back(static_cast<double>(r.round_trip_us()) / 1000.0);
        last = absl::Now();
      }
    }
    reader->Finish();
    f.fanout_last_ms = absl::ToDoubleMilliseconds(last - start);
  }
  f.unanswered += n - static_cast<int>(rtts_ms.size()) - f.unanswered;
  f.fanout_p50_ms = Percentile(rtts_ms, 0.50);
  f.fanout_p99_ms = Percentile(rtts_ms, 0.99);

  stop_heartbeats = true;
  heartbeats.join();
  f.stream_errors = counters.failed;
  if (f.stream_errors > 0)
    std::fprintf(stderr, "first stream error: %s\n", counters.first_error.c_str());
  for (auto& a : agents) a->Cancel();
  for (auto& a : agents) {
    while (!a->done()) absl::SleepFor(absl::Milliseconds(1));
  }
  agents.clear();
  controller.Stop();
  if (f.stream_errors + f.unanswered > 0) {
    std::fprintf(stderr, "errors: controller log kept in %s\n", dir.c_str());
  } else {
    std::filesystem::remove_all(dir);
  }
  return f;
}

}  // namespace
}  // namespace dm::bench

int main(int argc, char** argv) {
  dm::bench::Options options;
  std::string sizes = "100,1000,10000";
  dm::CommandLine cli(
      "bench-agent-fleet: enroll and connect N agents to a real dm-controller and measure it");
  cli.flags().Add("--agents", &sizes, "Comma-separated fleet sizes").ShowDefault();
  cli.flags()
      .Add("--heartbeat", &options.heartbeat_seconds, "Heartbeat interval, seconds")
      .ShowDefault();
  cli.flags()
      .Add("--idle-seconds", &options.idle_seconds, "How long idle CPU is measured")
      .ShowDefault();
  cli.flags()
      .Add("--enroll-threads", &options.enroll_threads, "Concurrent enrollments")
      .ShowDefault();
  cli.flags()
      .Add("--connect-window", &options.connect_window, "Dials in flight at once")
      .ShowDefault();
  cli.flags().Flag("--json", &options.json, "Also print one JSON object per fleet size");
  if (std::optional<int> exit_code = cli.Parse(argc, argv)) return *exit_code;
  options.sizes.clear();
  for (absl::string_view s : absl::StrSplit(sizes, ','))
    options.sizes.push_back(std::stoi(std::string(s)));

  int largest = *std::max_element(options.sizes.begin(), options.sizes.end());
  uint64_t limit = dm::bench::RaiseFileLimit(static_cast<uint64_t>(largest) * 2 + 1024);
  if (limit < static_cast<uint64_t>(largest) + 512) {
    std::fprintf(stderr, "open-file limit %lu is too low for %d agents; raise ulimit -n\n",
                 static_cast<unsigned long>(limit), largest);
    return 1;
  }

  std::printf("%7s %9s %10s %10s %10s %9s %9s %9s %9s %10s %7s\n", "agents", "enroll_s",
              "connect_s", "rss_MB", "rss/agent", "load/agt", "idle_cpu", "p50_ms", "p99_ms",
              "last_ms", "errors");
  for (int n : options.sizes) {
    dm::bench::Figures f = dm::bench::RunOnce(n, options);
    std::printf("%7d %9.2f %10.2f %10.1f %8.1fKB %7.1fKB %8.1f%% %9.2f %9.2f %10.1f %7d\n",
                f.agents, f.enroll_s, f.connect_s, f.rss_after_mb, f.rss_per_agent_kb,
                f.load_rss_per_agent_kb, f.idle_cpu_percent, f.fanout_p50_ms, f.fanout_p99_ms,
                f.fanout_last_ms, f.stream_errors + f.unanswered);
    if (options.json) {
      std::printf(
          "{\"agents\":%d,\"enroll_s\":%.3f,\"connect_s\":%.3f,\"controller_rss_mb\":%.1f,"
          "\"rss_per_agent_kb\":%.1f,\"idle_cpu_percent\":%.2f,\"fanout_p50_ms\":%.2f,"
          "\"fanout_p99_ms\":%.2f,\"fanout_last_ms\":%.1f,\"stream_errors\":%d,\"unanswered\":%d}"
          "\n",
          f.agents, f.enroll_s, f.connect_s, f.rss_after_mb, f.rss_per_agent_kb, f.idle_cpu_percent,
          f.fanout_p50_ms, f.fanout_p99_ms, f.fanout_last_ms, f.stream_errors, f.unanswered);
    }
    std::fflush(stdout);
  }
  return 0;
}
