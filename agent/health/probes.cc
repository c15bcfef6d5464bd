#include "agent/health/probes.h"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "common/host_port.h"
#include "common/process.h"

namespace dm::health {
namespace {

ProbeResult Pass(std::string note) { return {true, std::move(note)}; }

ProbeResult Fail(std::string why) {
  if (why.size() > kMaxCheckOutput) why = why.substr(why.size() - kMaxCheckOutput);
  return {false, std::move(why)};
}

int MillisLeft(absl::Time deadline) {
  return static_cast<int>(std::max<int64_t>(0, absl::ToInt64Milliseconds(deadline - absl::Now())));
}

// A socket file descriptor that closes itself.
class Socket {
 public:
  explicit Socket(int fd = -1) : fd_(fd) {}
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// Connects to HOST:PORT before `deadline`; the connected socket (non-blocking) or why not.
absl::StatusOr<int> ConnectBefore(const std::string& host, uint16_t port, absl::Time deadline) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  std::string service = std::to_string(port);
  if (int r = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &found); r != 0)
    return absl::UnavailableError(absl::StrCat("cannot resolve ", host, ": ", gai_strerror(r)));
  std::string last_error = "no address";
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
    int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    int r = ::connect(fd, a->ai_addr, a->ai_addrlen);
    if (r != 0 && errno == EINPROGRESS) {
      pollfd p{fd, POLLOUT, 0};
      r = ::poll(&p, 1, MillisLeft(deadline));
      if (r == 0) {
        ::close(fd);
        ::freeaddrinfo(found);
        return absl::DeadlineExceededError("connect timed out");
      }
      int error = 0;
      socklen_t len = sizeof(error);
      ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len);
      r = error == 0 ? 0 : -1;
      errno = error;
    }
    if (r == 0) {
      ::freeaddrinfo(found);
      return fd;
    }
    last_error = std::strerror(errno);
    ::close(fd);
  }
  ::freeaddrinfo(found);
  return absl::UnavailableError(absl::StrCat("connect: ", last_error));
}

struct Url {
  std::string host;
  uint16_t port = 80;
  std::string path = "/";
};

absl::StatusOr<Url> ParseHttpUrl(const std::string& text) {
  if (!absl::StartsWith(text, "http://")) return absl::InvalidArgumentError("not an http:// URL");
  std::string rest = text.substr(7);
  Url url;
  size_t slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  if (slash != std::string::npos) url.path = rest.substr(slash);
  absl::StatusOr<HostPort> hp = HostPort::Parse(authority);
  if (hp.ok()) {
    url.host = hp->host;
    url.port = hp->port;
  } else {
    url.host = authority;
  }
  if (url.host.empty()) return absl::InvalidArgumentError("no host in " + text);
  return url;
}

}  // namespace

ProbeResult ProbeTcp(const CheckSpec& check) {
  absl::StatusOr<HostPort> address = HostPort::Parse(check.target);
  if (!address.ok()) return Fail(std::string(address.status().message()));
  absl::StatusOr<int> fd = ConnectBefore(address->host, address->port, absl::Now() + check.timeout);
  if (!fd.ok()) return Fail(absl::StrCat(check.target, ": ", fd.status().message()));
  Socket closer(*fd);
  return Pass(absl::StrCat(check.target, " accepts connections"));
}

ProbeResult ProbeHttp(const CheckSpec& check) {
  absl::Time deadline = absl::Now() + check.timeout;
  absl::StatusOr<Url> url = ParseHttpUrl(check.target);
  if (!url.ok()) return Fail(std::string(url.status().message()));
  absl::StatusOr<int> fd = ConnectBefore(url->host, url->port, deadline);
  if (!fd.ok()) return Fail(absl::StrCat("GET ", check.target, ": ", fd.status().message()));
  Socket socket(*fd);

  std::string request =
      absl::StrCat("GET ", url->path, " HTTP/1.1\r\nHost: ", url->host,
                   "\r\nUser-Agent: dm-agent-health\r\nConnection: close\r\n\r\n");
  size_t sent = 0;
  while (sent < request.size()) {
    pollfd p{socket.get(), POLLOUT, 0};
    if (::poll(&p, 1, MillisLeft(deadline)) <= 0)
      return Fail(absl::StrCat("GET ", check.target, ": timed out sending"));
    ssize_t n = ::send(socket.get(), request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno != EAGAIN)
      return Fail(absl::StrCat("GET ", check.target, ": ", std::strerror(errno)));
    if (n > 0) sent += static_cast<size_t>(n);
  }
  // The answer until the server closes (Connection: close), at most 64 KB: enough for a health
  // page, and a bound on what a broken one costs.
  constexpr size_t kMaxResponse = 64 * 1024;
  std::string response;
  char buffer[8192];
  for (;;) {
    pollfd p{socket.get(), POLLIN, 0};
    int r = ::poll(&p, 1, MillisLeft(deadline));
    if (r == 0) {
      if (response.empty())
        return Fail(absl::StrCat("GET ", check.target, ": no answer within ",
                                 absl::FormatDuration(check.timeout)));
      break;  // a server that keeps the connection open: judge what arrived
    }
    ssize_t n = ::recv(socket.get(), buffer, sizeof(buffer), 0);
    if (n < 0 && errno == EAGAIN) continue;
    if (n <= 0) break;
    response.append(buffer, static_cast<size_t>(n));
    if (response.size() >= kMaxResponse) break;
  }
  // "HTTP/1.1 200 OK"
  int status = 0;
  size_t space = response.find(' ');
  if (!absl::StartsWith(response, "HTTP/") || space == std::string::npos ||
      !absl::SimpleAtoi(response.substr(space + 1, 3), &status)) {
    return Fail(absl::StrCat("GET ", check.target, ": not an HTTP answer"));
  }
  size_t body_at = response.find("\r\n\r\n");
  std::string body = body_at == std::string::npos ? "" : response.substr(body_at + 4);
  if (status != check.expect_status) {
    return Fail(absl::StrCat("GET ", check.target, ": status ", status, ", expected ",
                             check.expect_status, body.empty() ? "" : ": ", body));
  }
  if (!check.body_contains.empty() && !absl::StrContains(body, check.body_contains)) {
    return Fail(absl::StrCat("GET ", check.target, ": the answer lacks '", check.body_contains,
                             "': ", body));
  }
  return Pass(absl::StrCat("GET ", check.target, ": ", status));
}

ProbeResult ProbeCommand(const CheckSpec& check) {
  ProcessSpec spec;
  spec.argv = check.argv;
  spec.timeout = check.timeout;
  absl::StatusOr<ProcessResult> result = RunProcess(spec);
  if (!result.ok()) return Fail(std::string(result.status().message()));
  if (result->ok()) return Pass(result->output.substr(0, 256));
  return Fail(absl::StrCat(check.target, ": ", result->Describe(),
                           result->output.empty() ? "" : "\n", result->output));
}

ProbeResult ProbeDisk(const CheckSpec& check) {
  struct statvfs s {};
  if (::statvfs(check.target.c_str(), &s) != 0)
    return Fail(absl::StrCat(check.target, ": ", std::strerror(errno)));
  // What an unprivileged writer has (f_bavail), as df shows it.
  double size = static_cast<double>(s.f_blocks) * s.f_frsize;
  double free_bytes = static_cast<double>(s.f_bavail) * s.f_frsize;
  double free_share = size > 0 ? free_bytes / size : 1;
  double inode_share = s.f_files > 0 ? static_cast<double>(s.f_favail) / s.f_files : 1;
  std::string seen =
      absl::StrFormat("%s: %.1f%% free (%.0f MB), %.1f%% of inodes free", check.target,
                      free_share * 100, free_bytes / (1 << 20), inode_share * 100);
  if (check.min_free > 0 && free_share < check.min_free)
    return Fail(absl::StrFormat("%s; below %.1f%%", seen, check.min_free * 100));
  if (check.min_free_bytes > 0 && free_bytes < static_cast<double>(check.min_free_bytes))
    return Fail(absl::StrFormat("%s; below %.0f MB", seen,
                                static_cast<double>(check.min_free_bytes) / (1 << 20)));
  if (check.min_free_inodes > 0 && inode_share < check.min_free_inodes)
    return Fail(absl::StrFormat("%s; inodes below %.1f%%", seen, check.min_free_inodes * 100));
  return Pass(seen);
}

ProbeResult HostProber::Service(const CheckSpec& check) {
  absl::StatusOr<UnitState> unit = units_.Get(check.target);
  if (!unit.ok()) return Fail(absl::StrCat(check.target, ": ", unit.status().message()));
  std::string seen = absl::StrCat(check.target, " is ", unit->active, " (", unit->sub, ")");
  if (unit->load == "not-found") return Fail(check.target + " does not exist");
  // A reload keeps serving; anything else (inactive, failed, activating) is not running.
  if (unit->active == "active" || unit->active == "reloading") return Pass(seen);
  return Fail(seen);
}

ProbeResult HostProber::Run(const CheckSpec& check) {
  switch (check.kind) {
    case CheckKind::kService:
      return Service(check);
    case CheckKind::kHttp:
      return ProbeHttp(check);
    case CheckKind::kTcp:
      return ProbeTcp(check);
    case CheckKind::kCommand:
      return ProbeCommand(check);
    case CheckKind::kDisk:
      return ProbeDisk(check);
  }
  return Fail("unknown check kind");
}

}  // namespace dm::health
