// The probes against real sockets, programs and file systems on this machine. (The service
// probe needs a running systemd: it is proven on the local servers, tests/health/.)
#include "agent/health/probes.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace dm::health {
namespace {

using ::testing::HasSubstr;

// A loopback server that answers every connection with `response` and closes it.
class CannedHttpServer {
 public:
  explicit CannedHttpServer(std::string response) : response_(std::move(response)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    ::listen(fd_, 8);
    socklen_t len = sizeof(addr);
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] {
      for (;;) {
        int client = ::accept(fd_, nullptr, nullptr);
        if (client < 0 || stop_) {
          if (client >= 0) ::close(client);
          return;
        }
        char buffer[4096];
        ssize_t n = ::recv(client, buffer, sizeof(buffer), 0);
        if (n > 0 && !silent_) ::send(client, response_.data(), response_.size(), MSG_NOSIGNAL);
        if (silent_) absl::SleepFor(absl::Milliseconds(600));
        ::close(client);
      }
    });
  }
  ~CannedHttpServer() {
    stop_ = true;
    ::shutdown(fd_, SHUT_RDWR);
    thread_.join();
    ::close(fd_);
  }
  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  std::string Address() const { return "127.0.0.1:" + std::to_string(port_); }
  void Silence() { silent_ = true; }

 private:
  std::string response_;
  int fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false}, silent_{false};
  std::thread thread_;
};

CheckSpec Http(const std::string& url) {
  CheckSpec c;
  c.kind = CheckKind::kHttp;
  c.target = url;
  c.timeout = absl::Milliseconds(300);
  return c;
}

TEST(HttpProbeTest, PassesOnTheExpectedStatusAndBody) {
  CannedHttpServer server("HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\nhealthy");
  CheckSpec check = Http(server.Url("/health"));
  check.body_contains = "healthy";
  ProbeResult r = ProbeHttp(check);
  EXPECT_TRUE(r.passed) << r.output;
  check.body_contains = "ready";
  r = ProbeHttp(check);
  EXPECT_FALSE(r.passed);
  EXPECT_THAT(r.output, HasSubstr("the answer lacks 'ready': healthy"));
}

TEST(HttpProbeTest, AnotherStatusFailsWithTheBody) {
  CannedHttpServer server("HTTP/1.1 502 Bad Gateway\r\n\r\nupstream down");
  ProbeResult r = ProbeHttp(Http(server.Url("/")));
  EXPECT_FALSE(r.passed);
  EXPECT_THAT(r.output, HasSubstr("status 502, expected 200: upstream down"));
}

TEST(HttpProbeTest, AServerThatSaysNothingTimesOut) {
  CannedHttpServer server("");
  server.Silence();
  absl::Time start = absl::Now();
  ProbeResult r = ProbeHttp(Http(server.Url("/")));
  EXPECT_FALSE(r.passed);
  EXPECT_THAT(r.output, HasSubstr("no answer within 300ms"));
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));
}

TEST(HttpProbeTest, ALongFailureIsCutTo4KB) {
  CannedHttpServer server("HTTP/1.1 500 Oops\r\n\r\n" + std::string(20000, 'x'));
  ProbeResult r = ProbeHttp(Http(server.Url("/")));
  EXPECT_FALSE(r.passed);
  EXPECT_LE(r.output.size(), kMaxCheckOutput);
}

TEST(TcpProbeTest, ConnectsOrSaysWhyNot) {
  CheckSpec c;
  c.kind = CheckKind::kTcp;
  c.timeout = absl::Milliseconds(300);
  {
    CannedHttpServer server("x");
    c.target = server.Address();
    EXPECT_TRUE(ProbeTcp(c).passed);
  }
  ProbeResult r = ProbeTcp(c);  // the server is gone: refused
  EXPECT_FALSE(r.passed);
  EXPECT_THAT(r.output, HasSubstr("Connection refused"));
}

TEST(CommandProbeTest, ExitZeroPassesAnythingElseFailsWithItsOutput) {
  CheckSpec c;
  c.kind = CheckKind::kCommand;
  c.timeout = absl::Seconds(2);
  c.argv = {"true"};
  EXPECT_TRUE(ProbeCommand(c).passed);
  c.argv = {"sh", "-c", "echo not ready; exit 3"};
  c.target = "sh -c ...";
  ProbeResult r = ProbeCommand(c);
  EXPECT_FALSE(r.passed);
  EXPECT_THAT(r.output, HasSubstr("exit code 3"));
  EXPECT_THAT(r.output, HasSubstr("not ready"));
  c.argv = {"sleep", "5"};
  c.timeout = absl::Milliseconds(200);
  r = ProbeCommand(c);
  EXPECT_FALSE(r.passed);
  EXPECT_THAT(r.output, HasSubstr("timed out"));
}

TEST(DiskProbeTest, ComparesFreeSpaceWithTheThreshold) {
  CheckSpec c;
  c.kind = CheckKind::kDisk;
  c.target = "/";
  c.min_free_bytes = 1;
  ProbeResult r = ProbeDisk(c);
  EXPECT_TRUE(r.passed) << r.output;
  EXPECT_THAT(r.output, HasSubstr("% free"));
  c.min_free_bytes = uint64_t{1} << 60;  // an exabyte: no disk here has it
  r = ProbeDisk(c);
  EXPECT_FALSE(r.passed);
  EXPECT_THAT(r.output, HasSubstr("below"));
  c.target = "/no/such/mount";
  EXPECT_THAT(ProbeDisk(c).output, HasSubstr("No such file"));
}

TEST(ServiceProbeTest, WithoutSystemdItFailsSayingSo) {
  if (::access("/run/systemd/private", F_OK) == 0 ||
      ::access("/run/dbus/system_bus_socket", F_OK) == 0) {
    GTEST_SKIP() << "systemd is reachable here; the local servers' tests cover this probe";
  }
  CheckSpec c;
  c.kind = CheckKind::kService;
  c.target = "nginx.service";
  HostProber prober;
  ProbeResult r = prober.Run(c);
  EXPECT_FALSE(r.passed);
  EXPECT_THAT(r.output, HasSubstr("nginx.service: "));
}

}  // namespace
}  // namespace dm::health
