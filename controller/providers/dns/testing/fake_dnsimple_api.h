// A stand-in for DNSimple's API v2 that runs in the test's process, answering as the published
// reference says (https://developer.dnsimple.com/v2/ : "Authentication", "Pagination", "Rate
// limiting", "Errors", https://developer.dnsimple.com/v2/identity/#whoami,
// https://developer.dnsimple.com/v2/domains/ and https://developer.dnsimple.com/v2/zones/records/):
//   GET    /v2/whoami                                   {"data": {"user": null, "account": {...}}}
//   GET    /v2/{account}/zones/{zone}                    200 {"data": zone} | 404
//   POST   /v2/{account}/domains {"name"}                201 | 400 "has already been taken"
//   DELETE /v2/{account}/domains/{domain}                204 | 404
//   GET    /v2/{account}/zones/{zone}/records?name=&type=&page=&per_page=
//          {"data": [record], "pagination": {current_page, per_page, total_entries, total_pages}}
//   POST   /v2/{account}/zones/{zone}/records            201 {"data": record} | 400 validation
//   PATCH  /v2/{account}/zones/{zone}/records/{id}       200 {"data": record}
//   DELETE /v2/{account}/zones/{zone}/records/{id}       204 | 404
// Every call needs "Authorization: Bearer TOKEN" (401 otherwise) and carries the X-RateLimit-*
// headers. Record names are relative to the zone ("" is the apex); a new domain comes with its
// system SOA and NS records; TXT content is stored in quotes, as DNSimple does since 2023.
#ifndef DM_CONTROLLER_PROVIDERS_DNS_TESTING_FAKE_DNSIMPLE_API_H_
#define DM_CONTROLLER_PROVIDERS_DNS_TESTING_FAKE_DNSIMPLE_API_H_

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tests/harness/fake_http_server.h"

namespace dm::testing {

class FakeDnsimpleApi {
 public:
  static constexpr const char* kAccount = "1010";

  static absl::StatusOr<std::unique_ptr<FakeDnsimpleApi>> Start(std::string token);

  FakeHttpServer& server() { return *server_; }
  const std::string& url() const { return server_->url(); }
  // The largest page the fake gives (the real API's is 100); smaller makes paging testable.
  void set_max_per_page(int n);
  // Adds a record as if someone had (a twin left by a crash, say).
  void AddRecord(const std::string& zone, const std::string& name, const std::string& type,
                 const std::string& content, int ttl);
  // The zone's records as "name type content ttl" lines (name relative), system records left out.
  std::vector<std::string> Records(const std::string& zone);

 private:
  struct Record {
    long long id;
    std::string name, type, content;
    int ttl;
    bool system;
  };
  FakeDnsimpleApi() = default;
  FakeHttpResponse Handle(const FakeHttpRequest& request);

  std::string token_;
  std::unique_ptr<FakeHttpServer> server_;
  std::mutex mu_;
  int max_per_page_ = 100;
  long long next_id_ = 1;
  std::map<std::string, std::vector<Record>> zones_;
};

}  // namespace dm::testing

#endif  // DM_CONTROLLER_PROVIDERS_DNS_TESTING_FAKE_DNSIMPLE_API_H_
