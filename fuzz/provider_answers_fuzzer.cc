// Any answers from the APIs the controller calls (PowerDNS, Cloudflare, DNSimple, DigitalOcean,
// Hetzner, EC2, OpenStack's Keystone, Nova and Neutron, Swift and S3 listings), read as the
// controller reads them: a result or an error, never a crash, a leak or a long wait.
//
// The input is a script: its first byte picks an operation (listing servers at one cloud,
// records at one DNS provider, objects in one store...); then each request the provider sends is
// answered from the rest: a byte for the status, two for the body's length, then the body.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "controller/providers/providers_config.h"

namespace {

// Answers each request from the script; once it runs out, every request fails as a dropped
// connection would. Never sleeps or sends anything.
class ScriptedHttpClient : public dm::HttpClient {
 public:
  void Reset(const uint8_t* data, size_t size) {
    data_ = data;
    left_ = size;
    requests_ = 0;
  }

  absl::StatusOr<dm::HttpResponse> Send(const dm::HttpRequest&) override {
    // 429 and 5xx are left out: the controller retries those through RetryingHttpClient,
    // above the providers, with its own clock.
    static constexpr long kStatuses[] = {200, 201, 202, 204, 400, 401, 403, 404, 409, 422};
    if (left_ < 3 || ++requests_ > 64) return absl::UnavailableError("the script ran out");
    dm::HttpResponse response;
    response.status = kStatuses[data_[0] % (sizeof(kStatuses) / sizeof(kStatuses[0]))];
    size_t length = (size_t{data_[1]} << 8 | data_[2]);
    Take(3);
    length = std::min(length, left_);
    response.body.assign(reinterpret_cast<const char*>(data_), length);
    Take(length);
    // What Keystone and Swift's v1 authentication answer in headers.
    response.headers = {{"content-type", "application/json"},
                        {"x-subject-token", "fuzz-token"},
                        {"x-auth-token", "fuzz-token"},
                        {"x-storage-url", "http://swift.fuzz.test/v1/AUTH_fuzz"}};
    return response;
  }

 private:
  void Take(size_t n) {
    data_ += n;
    left_ -= n;
  }
  const uint8_t* data_ = nullptr;
  size_t left_ = 0;
  int requests_ = 0;
};

// Every provider type, pointed at names that never resolve: requests only reach the script.
constexpr char kProviders[] = R"(
dns:
  - {name: pdns, type: powerdns, api_url: "http://pdns.fuzz.test:8081", api_key: k}
  - {name: cloudflare, type: cloudflare, api_token: t, account_id: a}
  - {name: dnsimple, type: dnsimple, api_token: t}
cloud:
  - {name: do, type: digitalocean, api_token: t, region: fra1}
  - {name: hetzner, type: hetzner, api_token: t}
  - {name: ec2, type: ec2, access_key_id: a, secret_access_key: s, region: eu-central-1, image: ami-1}
  - name: openstack
    type: openstack
    auth_url: "http://keystone.fuzz.test:5000/v3"
    user: u
    password: p
    project: p
    image: debian-12
    size: m1.small
    network: net
storage:
  - {name: swift, type: swift, auth_url: "http://keystone.fuzz.test:5000/v3", user: u, key: k, project: p, container: shop-media}
  - {name: tempauth, type: swift, auth_url: "http://swift.fuzz.test/auth/v1.0", user: "a:u", key: k, container: shop-media}
  - {name: s3, type: s3, endpoint: "http://s3.fuzz.test", region: r, bucket: shop-media, access_key: a, secret_key: s}
)";

struct Providers {
  ScriptedHttpClient http;
  dm::DnsProviderSet dns;
  dm::CloudProviderSet cloud;
  dm::StorageSet storage;

  Providers() {
    absl::Status parsed =
        dm::ParseProviders(kProviders, "fuzz-providers.yaml", &http, &dns, &cloud, &storage);
    if (!parsed.ok()) {
      std::fprintf(stderr, "%s\n", std::string(parsed.message()).c_str());
      std::abort();
    }
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Fresh each time: a provider remembers tokens and accounts from earlier answers.
  Providers providers;
  if (size < 1) return 0;
  const uint8_t choice = data[0];
  providers.http.Reset(data + 1, size - 1);
  const std::vector<std::string> dns = providers.dns.Names();
  const std::vector<std::string> clouds = providers.cloud.Names();
  const std::vector<std::string> stores = {"swift", "tempauth", "s3"};
  const size_t kinds = dns.size() + clouds.size() + stores.size();
  size_t pick = choice % kinds;
  const bool second = (choice / kinds) % 2;  // the other operation of that provider
  if (pick < dns.size()) {
    dm::DnsProvider* provider = providers.dns.Find(dns[pick]);
    if (second)
      (void)provider->EnsureZone("shop.test");
    else
      (void)provider->ListRecords("shop.test");
  } else if ((pick -= dns.size()) < clouds.size()) {
    dm::CloudProvider* provider = providers.cloud.Find(clouds[pick]);
    if (second)
      (void)provider->Get("shop-appnode-1");
    else
      (void)provider->ListTagged({{"dm-fleet", "shop"}});
  } else {
    pick -= clouds.size();
    dm::ObjectStore* store = providers.storage.Find(stores[pick])->store.get();
    if (second)
      (void)store->Get("shop/20261207T000000Z.dump");
    else
      (void)store->List("shop/");
  }
  return 0;
}
