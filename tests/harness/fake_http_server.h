// An HTTP/1.1 server on loopback inside the test's process, for the contract fakes of provider
// APIs that cannot run here (DNSimple, Cloudflare, DigitalOcean, Hetzner, EC2): the test's
// handler answers each request as the provider's published reference says it would. One request
// per connection (the answer says Connection: close); a request body needs its Content-Length,
// as libcurl sends it.
#ifndef DM_TESTS_HARNESS_FAKE_HTTP_SERVER_H_
#define DM_TESTS_HARNESS_FAKE_HTTP_SERVER_H_

#include <atomic>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace dm::testing {

struct FakeHttpRequest {
  std::string method;
  std::string path;                            // without the query
  std::string query;                           // after '?', as sent
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;

  std::string Header(const std::string& name) const;
};

struct FakeHttpResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // Waits this long before answering (a client's timeout is tested with it).
  absl::Duration delay = absl::ZeroDuration();
};

class FakeHttpServer {
 public:
  // Called on the server's thread, one request at a time.
  using Handler = std::function<FakeHttpResponse(const FakeHttpRequest&)>;

  static absl::StatusOr<std::unique_ptr<FakeHttpServer>> Start(Handler handler);
  ~FakeHttpServer();

  // "http://127.0.0.1:PORT"
  const std::string& url() const { return url_; }
  int requests() const { return requests_.load(); }

  // The next requests get these answers, in order, instead of the handler's: a 429, a storm of
  // 500s, a body that is not the API's JSON. Thread-safe.
  void FailNext(std::vector<FakeHttpResponse> answers);

 private:
  FakeHttpServer() = default;
  void Serve();
  void Answer(int client);
  std::optional<FakeHttpResponse> NextFault();

  Handler handler_;
  int listener_ = -1;
  std::string url_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> requests_{0};
  std::mutex mu_;
  std::deque<FakeHttpResponse> faults_;
  std::thread thread_;
};

}  // namespace dm::testing

#endif  // DM_TESTS_HARNESS_FAKE_HTTP_SERVER_H_
