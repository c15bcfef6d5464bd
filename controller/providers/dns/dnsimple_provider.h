// DnsProvider over the DNSimple API v2 (developer.dnsimple.com/v2/): Bearer token auth, zone
// records at /v2/{account}/zones/{zone}/records (one record per value, paginated), zones made by
// adding a domain (/v2/{account}/domains). The seed's choice for pointing a site's names.
#ifndef DM_CONTROLLER_PROVIDERS_DNS_DNSIMPLE_PROVIDER_H_
#define DM_CONTROLLER_PROVIDERS_DNS_DNSIMPLE_PROVIDER_H_

#include <mutex>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/time/time.h"
#include "common/http/http_client.h"
#include "controller/providers/dns/dns_provider.h"
#include "controller/providers/dns/record_set_plan.h"

namespace dm {

struct DnsimpleOptions {
  std::string api_url =
      "https://api.dnsimple.com";              // the sandbox: https://api.sandbox.dnsimple.com
  std::string api_token;                       // secret
  std::string account_id;                      // "" : the token's own account (GET /v2/whoami)
  absl::Duration timeout = absl::Seconds(20);  // each request's
};

class DnsimpleProvider : public DnsProvider {
 public:
  // `http` is not owned; it should retry (RetryingHttpClient).
  DnsimpleProvider(HttpClient* http, DnsimpleOptions options)
      : http_(http), options_(std::move(options)) {}

  std::string name() const override { return "dnsimple"; }
  absl::Status EnsureZone(const std::string& zone) override;
  absl::StatusOr<std::vector<DnsRecord>> ListRecords(const std::string& zone) override;
  absl::Status SetRecord(const std::string& zone, const DnsRecord& record) override;
  absl::Status DeleteRecord(const std::string& zone, const std::string& name,
                            const std::string& type) override;
  absl::Status DeleteZone(const std::string& zone) override;

 private:
  // The answer, whatever its status; an error only for no answer or a refused token.
  absl::StatusOr<HttpResponse> Call(const std::string& method, const std::string& path,
                                    const std::string& body = "");
  absl::StatusOr<std::string> Account();
  // Every record of the zone (all pages), or of one name and type when `name` is set.
  absl::StatusOr<std::vector<HostedRecord>> Records(const std::string& zone,
                                                    const std::string& name = "",
                                                    const std::string& type = "");

  HttpClient* const http_;
  const DnsimpleOptions options_;
  std::mutex mu_;
  std::string account_ ABSL_GUARDED_BY(mu_);
};

}  // namespace dm

#endif  // DM_CONTROLLER_PROVIDERS_DNS_DNSIMPLE_PROVIDER_H_
