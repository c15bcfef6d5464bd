// What the cloud APIs' contract fakes (DigitalOcean, Hetzner) share: the servers they hold, as a
// test sees them, and how a new server comes up (a few polls "creating", then running with a
// public address from 203.0.113.0/24 and a private one from 10.10.0.0/24).
#ifndef DM_CONTROLLER_PROVIDERS_CLOUD_TESTING_FAKE_CLOUD_API_H_
#define DM_CONTROLLER_PROVIDERS_CLOUD_TESTING_FAKE_CLOUD_API_H_

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "tests/harness/fake_http_server.h"

namespace dm::testing {

struct FakeServer {
  long long id = 0;
  std::string name, image, size, region, user_data;
  std::map<std::string, std::string> tags;  // as the provider wrote them, decoded
  std::vector<long long> ssh_keys;
  std::vector<std::string> firewalls;  // names
  int polls_left = 2;                  // answers "creating" this many more times
  std::string public_ip, private_ip;
  bool running() const { return polls_left <= 0; }
};

class FakeCloudApi {
 public:
  virtual ~FakeCloudApi() = default;
  FakeHttpServer& server() { return *server_; }
  const std::string& url() const { return server_->url(); }
  // The servers it holds now.
  std::vector<FakeServer> Servers();
  // How many SSH keys and firewalls it holds.
  int Keys();
  int Firewalls();
  // Adds a server as someone else (or a controller that died) would have: already running.
  void AddServer(FakeServer server);
  // The largest page it gives; smaller makes paging testable.
  void set_max_per_page(int n);
  // The next POST that creates a server creates it, then answers only after `delay` (past a
  // client's timeout: the answer is lost, the server exists).
  void LoseNextCreateAnswer(absl::Duration delay);

 protected:
  struct Key {
    long long id;
    std::string name, public_key;
  };
  struct Firewall {
    long long id;
    std::string name;
  };
  // Starts the server with `handler` answering under the lock.
  absl::Status Start(std::string token);
  virtual FakeHttpResponse Handle(const FakeHttpRequest& request) = 0;
  // A new server's id and addresses.
  void Place(FakeServer* server);
  // Which items of `count` a page shows; sets *pages.
  std::pair<int, int> PageOf(const std::map<std::string, std::string>& query, int count,
                             int default_per_page, int* pages) const;
  static std::map<std::string, std::string> Query(const std::string& query);

  std::string token_;
  std::unique_ptr<FakeHttpServer> server_;
  std::mutex mu_;
  int max_per_page_ = 200;
  long long next_id_ = 1000;
  absl::Duration lose_create_answer_ = absl::ZeroDuration();
  std::vector<FakeServer> servers_;
  std::vector<Key> keys_;
  std::vector<Firewall> firewalls_;
};

}  // namespace dm::testing

#endif  // DM_CONTROLLER_PROVIDERS_CLOUD_TESTING_FAKE_CLOUD_API_H_
