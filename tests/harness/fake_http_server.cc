#include "tests/harness/fake_http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"

namespace dm::testing {
namespace {

const char* Reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 204:
      return "No Content";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 409:
      return "Conflict";
    case 422:
      return "Unprocessable Entity";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
  }
  return "Status";
}

void SendAll(int fd, const std::string& data) {
  for (size_t sent = 0; sent < data.size();) {
    ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return;
    sent += static_cast<size_t>(n);
  }
}

}  // namespace

std::string FakeHttpRequest::Header(const std::string& name) const {
  auto it = headers.find(absl::AsciiStrToLower(name));
  return it == headers.end() ? "" : it->second;
}

absl::StatusOr<std::unique_ptr<FakeHttpServer>> FakeHttpServer::Start(Handler handler) {
  std::unique_ptr<FakeHttpServer> server(new FakeHttpServer());
  server->handler_ = std::move(handler);
  server->listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (server->listener_ < 0) return absl::InternalError(std::strerror(errno));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  if (::bind(server->listener_, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
      ::listen(server->listener_, 64) != 0 ||
      ::getsockname(server->listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    return absl::InternalError(absl::StrCat("fake HTTP server: ", std::strerror(errno)));
  }
  server->url_ = absl::StrCat("http://127.0.0.1:", ntohs(address.sin_port));
  server->thread_ = std::thread([s = server.get()] { s->Serve(); });
  return server;
}

FakeHttpServer::~FakeHttpServer() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
  if (listener_ >= 0) ::close(listener_);
}

void FakeHttpServer::Serve() {
  while (!stopping_) {
    pollfd p{listener_, POLLIN, 0};
    if (::poll(&p, 1, 100) != 1) continue;
    int client = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    Answer(client);
    ::close(client);
  }
}

void FakeHttpServer::FailNext(std::vector<FakeHttpResponse> answers) {
  std::lock_guard<std::mutex> lock(mu_);
  for (FakeHttpResponse& answer : answers) faults_.push_back(std::move(answer));
}

std::optional<FakeHttpResponse> FakeHttpServer::NextFault() {
  std::lock_guard<std::mutex> lock(mu_);
  if (faults_.empty()) return std::nullopt;
  FakeHttpResponse next = std::move(faults_.front());
  faults_.pop_front();
  return next;
}

void FakeHttpServer::Answer(int client) {
  // The head, then as much body as Content-Length says.
  std::string data;
  size_t head_end = std::string::npos;
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  auto read_more = [&] {
    char buffer[4096];
    pollfd p{client, POLLIN, 0};
    if (absl::Now() > deadline || ::poll(&p, 1, 1000) != 1) return false;
    ssize_t n = ::recv(client, buffer, sizeof(buffer), 0);
    if (n <= 0) return false;
    data.append(buffer, static_cast<size_t>(n));
    return true;
  };
  while ((head_end = data.find("\r\n\r\n")) == std::string::npos) {
    if (!read_more()) return;
  }
  FakeHttpRequest request;
  std::vector<std::string> lines = absl::StrSplit(data.substr(0, head_end), "\r\n");
  std::vector<std::string> first = absl::StrSplit(lines[0], ' ');
  if (first.size() < 2) return;
  request.method = first[0];
  std::pair<std::string, std::string> target = absl::StrSplit(first[1], absl::MaxSplits('?', 1));
  request.path = target.first;
  request.query = target.second;
  for (size_t i = 1; i < lines.size(); ++i) {
    size_t colon = lines[i].find(':');
    if (colon == std::string::npos) continue;
    request.headers[absl::AsciiStrToLower(lines[i].substr(0, colon))] =
        std::string(absl::StripAsciiWhitespace(lines[i].substr(colon + 1)));
  }
  size_t length = 0;
  if (!absl::SimpleAtoi(request.Header("content-length"), &length)) length = 0;
  while (data.size() < head_end + 4 + length) {
    if (!read_more()) return;
  }
  request.body = data.substr(head_end + 4, length);
  ++requests_;
  std::optional<FakeHttpResponse> fault = NextFault();
  FakeHttpResponse response = fault ? *fault : handler_(request);
  if (response.delay > absl::ZeroDuration()) absl::SleepFor(response.delay);
  std::string out =
      absl::StrCat("HTTP/1.1 ", response.status, " ", Reason(response.status),
                   "\r\nContent-Length: ", response.body.size(), "\r\nConnection: close\r\n");
  for (const auto& [name, value] : response.headers)
    absl::StrAppend(&out, name, ": ", value, "\r\n");
  absl::StrAppend(&out, "\r\n", response.body);
  SendAll(client, out);
}

}  // namespace dm::testing
