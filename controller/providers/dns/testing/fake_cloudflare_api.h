// A stand-in for Cloudflare's API v4 that runs in the test's process, answering as the published
// reference says (https://developers.cloudflare.com/api/ : "Zones" list/create/delete, "DNS
// Records for a Zone" list/create/patch/delete; https://developers.cloudflare.com/fundamentals/api/
// : the response envelope, pagination, and rate limits with Retry-After):
//   GET    /zones?name=ZONE                   {"success", "errors", "messages", "result": [zone],
//                                              "result_info": {page, per_page, count,
//                                                              total_count, total_pages}}
//   POST   /zones {"name", "account": {"id"}, "type"}   200 | 400 code 1061 (already exists)
//   DELETE /zones/{zone_id}                   200 {"result": {"id"}}
//   GET    /zones/{zone_id}/dns_records?name=&type=&page=&per_page=
//   POST   /zones/{zone_id}/dns_records       200 {"result": record} | 400 (code 9021: bad TTL)
//   PATCH  /zones/{zone_id}/dns_records/{id}  200
//   DELETE /zones/{zone_id}/dns_records/{id}  200 {"result": {"id"}}
// Every call needs "Authorization: Bearer TOKEN" (403, code 10000 "Authentication error",
// otherwise); an unknown zone id is 400 code 7003. Record names are fully qualified; a TTL is 1
// (automatic) or 60 to 86400.
#ifndef DM_CONTROLLER_PROVIDERS_DNS_TESTING_FAKE_CLOUDFLARE_API_H_
#define DM_CONTROLLER_PROVIDERS_DNS_TESTING_FAKE_CLOUDFLARE_API_H_

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tests/harness/fake_http_server.h"

namespace dm::testing {

class FakeCloudflareApi {
 public:
  static constexpr const char* kAccount = "0b5e7a2c9d4f48e1a6b3c8d7e2f1a0b9";

  static absl::StatusOr<std::unique_ptr<FakeCloudflareApi>> Start(std::string token);

  FakeHttpServer& server() { return *server_; }
  const std::string& url() const { return server_->url(); }
  void set_max_per_page(int n);
  void AddRecord(const std::string& zone, const std::string& name, const std::string& type,
                 const std::string& content, int ttl);
  // The zone's records as "name type content ttl" lines, sorted.
  std::vector<std::string> Records(const std::string& zone);

 private:
  struct Record {
    std::string id, name, type, content;
    int ttl;
  };
  struct Zone {
    std::string id, name;
    std::vector<Record> records;
  };
  FakeCloudflareApi() = default;
  FakeHttpResponse Handle(const FakeHttpRequest& request);
  std::string NewId();

  std::string token_;
  std::unique_ptr<FakeHttpServer> server_;
  std::mutex mu_;
  int max_per_page_ = 5000;
  int next_id_ = 1;
  std::map<std::string, Zone> zones_;  // by id
};

}  // namespace dm::testing

#endif  // DM_CONTROLLER_PROVIDERS_DNS_TESTING_FAKE_CLOUDFLARE_API_H_
