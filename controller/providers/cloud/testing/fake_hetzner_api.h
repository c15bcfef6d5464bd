// A stand-in for the Hetzner Cloud API v1 in the test's process, answering as the published
// reference says (https://docs.hetzner.cloud/ : "Servers" create, list (name, label_selector,
// page, per_page; meta.pagination.next_page), delete; "SSH Keys" list and create; "Firewalls"
// list (name) and create; "Authentication" (Bearer, 401 "unauthorized"); "Rate Limiting"
// (RateLimit-* headers, 429 "rate_limit_exceeded"); "Errors" as {"error": {code, message}};
// "Label Selector" (key, key==value)):
//   GET    /v1/servers?name=&label_selector=&page=&per_page=  {"servers", "meta": {"pagination"}}
//   POST   /v1/servers              201 {"server": {..., "status": "initializing"}, "action"}
//                                   | 409 uniqueness_error | 422 invalid_input
//   DELETE /v1/servers/{id}         200 {"action"} | 404
//   GET    /v1/ssh_keys, POST /v1/ssh_keys (201 | 409 uniqueness_error)
//   GET    /v1/firewalls?name=, POST /v1/firewalls (201 {"firewall", "actions"})
// A server answers "initializing" for two reads, then "running" with public_net.ipv4 and a
// private_net entry.
#ifndef DM_CONTROLLER_PROVIDERS_CLOUD_TESTING_FAKE_HETZNER_API_H_
#define DM_CONTROLLER_PROVIDERS_CLOUD_TESTING_FAKE_HETZNER_API_H_

#include "controller/providers/cloud/testing/fake_cloud_api.h"

namespace dm::testing {

class FakeHetznerApi : public FakeCloudApi {
 public:
  static absl::StatusOr<std::unique_ptr<FakeHetznerApi>> Start(std::string token);

 private:
  FakeHttpResponse Handle(const FakeHttpRequest& request) override;
};

}  // namespace dm::testing

#endif  // DM_CONTROLLER_PROVIDERS_CLOUD_TESTING_FAKE_HETZNER_API_H_
