// bench-health-checks: what an agent's health checks cost the host. Runs the agent's own
// monitor (health/health_monitor.h) with N checks every interval for a while and prints the CPU
// it took as a share of one core, and how many processes it started: service, http, tcp and disk
// checks must start none.
//
// The checks: http GETs of a small server in this process (its CPU is counted too), tcp
// connects to it, disk checks of /, and service checks when systemd can be asked here (inside a
// container or a host booted with systemd; otherwise they are replaced by more http checks).
// Target (docs/health.md): 20 checks every 5 s under 1% of one core, no process started.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <optional>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "agent/health/health_monitor.h"
#include "common/cli/command_line.h"
#include "common/temp_dir.h"

namespace {

using dm::health::CheckKind;
using dm::health::CheckSpec;

// Answers every connection with a short 200 and closes it.
class TinyHttpServer {
 public:
  TinyHttpServer() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    ::listen(fd_, 64);
    socklen_t len = sizeof(addr);
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] {
      static const char kAnswer[] = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n";
      for (;;) {
        int client = ::accept(fd_, nullptr, nullptr);
        if (client < 0 || stop_) return;
        char buffer[2048];
        if (::recv(client, buffer, sizeof(buffer), 0) > 0)
          ::send(client, kAnswer, sizeof(kAnswer) - 1, MSG_NOSIGNAL);
        ::close(client);
      }
    });
  }
  ~TinyHttpServer() {
    stop_ = true;
    ::shutdown(fd_, SHUT_RDWR);
    thread_.join();
    ::close(fd_);
  }
  uint16_t port() const { return port_; }

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

double CpuSeconds(int who) {
  rusage u{};
  ::getrusage(who, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
  int checks = 20;
  double interval_s = 5, seconds = 60;
  dm::CommandLine cli("bench-health-checks: the CPU an agent's health checks take");
  cli.flags().Add("--checks", &checks, "How many checks").ShowDefault();
  cli.flags().Add("--interval", &interval_s, "Seconds between runs of each check").ShowDefault();
  cli.flags().Add("--seconds", &seconds, "How long to measure").ShowDefault();
  if (std::optional<int> exit_code = cli.Parse(argc, argv)) return *exit_code;

  TinyHttpServer server;
  const bool systemd = ::access("/run/systemd/private", F_OK) == 0 ||
                       ::access("/run/dbus/system_bus_socket", F_OK) == 0;
  std::vector<CheckSpec> specs;
  int http = 0, tcp = 0, disk = 0, service = 0;
  for (int i = 0; i < checks; ++i) {
    CheckSpec c;
    c.interval = absl::Seconds(interval_s);
    c.timeout = std::min(absl::Seconds(3), c.interval);
    switch (i % 4) {
      case 0:
        if (systemd) {
          c.kind = CheckKind::kService;
          c.target = "systemd-journald.service";
          ++service;
          break;
        }
        [[fallthrough]];
      case 1:
        c.kind = CheckKind::kHttp;
        c.target = absl::StrCat("http://127.0.0.1:", server.port(), "/health");
        c.body_contains = "ok";
        ++http;
        break;
      case 2:
        c.kind = CheckKind::kTcp;
        c.target = absl::StrCat("127.0.0.1:", server.port());
        ++tcp;
        break;
      default:
        c.kind = CheckKind::kDisk;
        c.target = "/";
        c.min_free = 0.0001;
        ++disk;
    }
    c.name = absl::StrCat("check-", i);
    specs.push_back(c);
  }

  dm::TempDir state("dm-bench-health");
  std::atomic<int> changes{0};
  dm::health::HealthMonitor monitor(
      state.path(), std::make_unique<dm::health::HostProber>(), dm::Clock::Real(),
      [&](const std::vector<dm::health::CheckStatus>&) { ++changes; });
  if (absl::Status s = monitor.SetChecks(specs); !s.ok()) {
    std::fprintf(stderr, "%s\n", s.ToString().c_str());
    return 1;
  }
  if (absl::Status s = monitor.Start(); !s.ok()) {
    std::fprintf(stderr, "%s\n", s.ToString().c_str());
    return 1;
  }
  // The first round (state unknown -> passing) is part of a start, not of the steady cost.
  absl::SleepFor(absl::Seconds(1));
  double cpu0 = CpuSeconds(RUSAGE_SELF), children0 = CpuSeconds(RUSAGE_CHILDREN);
  rusage kids0{};
  ::getrusage(RUSAGE_CHILDREN, &kids0);
  absl::Time start = absl::Now();
  absl::SleepFor(absl::Seconds(seconds));
  double wall = absl::ToDoubleSeconds(absl::Now() - start);
  double cpu = CpuSeconds(RUSAGE_SELF) - cpu0;
  double child_cpu = CpuSeconds(RUSAGE_CHILDREN) - children0;
  rusage kids{};
  ::getrusage(RUSAGE_CHILDREN, &kids);
  monitor.Stop();

  int failing = 0;
  for (const auto& s : monitor.Snapshot())
    failing += s.state == dm::health::CheckState::kFailing ? 1 : 0;
  const double runs = wall / interval_s * checks;
  std::printf("checks: %d every %.1f s (%d http, %d tcp, %d disk, %d service%s), %.0f s measured\n",
              checks, interval_s, http, tcp, disk, service,
              systemd ? "" : "; no systemd here, service checks left out", wall);
  std::printf("%-28s %10s\n", "figure", "value");
  std::printf("%-28s %9.3f%%\n", "cpu, share of one core", 100 * (cpu + child_cpu) / wall);
  std::printf("%-28s %10.0f\n", "check runs", runs);
  std::printf("%-28s %8.1f us\n", "cpu per check run", 1e6 * (cpu + child_cpu) / runs);
  // A process that ran and was reaped leaves page faults and CPU in RUSAGE_CHILDREN.
  const bool spawned = kids.ru_minflt != kids0.ru_minflt || child_cpu > 0;
  std::printf("%-28s %10s\n", "processes started", spawned ? "some" : "none");
  std::printf("%-28s %10d\n", "failing checks", failing);
  return failing == 0 ? 0 : 1;
}
