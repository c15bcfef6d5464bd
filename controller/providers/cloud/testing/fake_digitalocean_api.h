// A stand-in for DigitalOcean's API v2 in the test's process, answering as the published
// reference says (https://docs.digitalocean.com/reference/api/api-reference/ : "Droplets" create,
// list (tag_name, name, page, per_page; links.pages.next), delete; "SSH Keys" list and create;
// "Firewalls" list and create; "Authentication" (Bearer, 401 {"id": "Unauthorized"}); "Rate
// limits" (ratelimit-* headers, 429 {"id": "too_many_requests"}); errors as {"id", "message"}):
//   GET    /v2/droplets?tag_name=&name=&page=&per_page=   {"droplets", "links", "meta": {total}}
//   POST   /v2/droplets                 202 {"droplet": {..., "status": "new"}} | 422
//   GET    /v2/droplets/{id}            {"droplet"} | 404
//   DELETE /v2/droplets/{id}            204 | 404
//   GET    /v2/account/keys             {"ssh_keys", "links", "meta"}
//   POST   /v2/account/keys             201 {"ssh_key"} | 422 "SSH Key is already in use"
//   GET    /v2/firewalls                {"firewalls", "links", "meta"}
//   POST   /v2/firewalls                202 {"firewall"}
// A droplet answers "new" for two reads, then "active" with networks.v4 public and private.
#ifndef DM_CONTROLLER_PROVIDERS_CLOUD_TESTING_FAKE_DIGITALOCEAN_API_H_
#define DM_CONTROLLER_PROVIDERS_CLOUD_TESTING_FAKE_DIGITALOCEAN_API_H_

#include "controller/providers/cloud/testing/fake_cloud_api.h"

namespace dm::testing {

class FakeDigitalOceanApi : public FakeCloudApi {
 public:
  static absl::StatusOr<std::unique_ptr<FakeDigitalOceanApi>> Start(std::string token);

 private:
  FakeHttpResponse Handle(const FakeHttpRequest& request) override;
};

}  // namespace dm::testing

#endif  // DM_CONTROLLER_PROVIDERS_CLOUD_TESTING_FAKE_DIGITALOCEAN_API_H_
