// DnsProvider over the Cloudflare API v4 (developers.cloudflare.com/api/, "DNS Records for a
// Zone" and "Zones"): Bearer API token, zones found by name (GET /zones?name=), records at
// /zones/{zone_id}/dns_records (one record per value, paginated), every answer wrapped in
// {"success", "errors", "result", "result_info"}. Records are made DNS-only (proxied: false):
// the fleet's load balancers answer the traffic themselves.
#ifndef DM_CONTROLLER_PROVIDERS_DNS_CLOUDFLARE_PROVIDER_H_
#define DM_CONTROLLER_PROVIDERS_DNS_CLOUDFLARE_PROVIDER_H_

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "common/http/http_client.h"
#include "controller/providers/dns/dns_provider.h"
#include "controller/providers/dns/record_set_plan.h"

namespace dm {

struct CloudflareOptions {
  std::string api_url = "https://api.cloudflare.com/client/v4";
  std::string api_token;   // secret; needs Zone:DNS:Edit (and Zone:Zone:Edit to add zones)
  std::string account_id;  // only to add a zone that is not there yet
  absl::Duration timeout = absl::Seconds(20);  // each request's
};

class CloudflareProvider : public DnsProvider {
 public:
  // `http` is not owned; it should retry (RetryingHttpClient).
  CloudflareProvider(HttpClient* http, CloudflareOptions options)
      : http_(http), options_(std::move(options)) {}

  std::string name() const override { return "cloudflare"; }
  absl::Status EnsureZone(const std::string& zone) override;
  absl::StatusOr<std::vector<DnsRecord>> ListRecords(const std::string& zone) override;
  absl::Status SetRecord(const std::string& zone, const DnsRecord& record) override;
  absl::Status DeleteRecord(const std::string& zone, const std::string& name,
                            const std::string& type) override;
  absl::Status DeleteZone(const std::string& zone) override;

 private:
  absl::StatusOr<HttpResponse> Call(const std::string& method, const std::string& path,
                                    const std::string& body = "");
  // The zone's id, asked each time (a zone removed and added again gets a new one); NotFound when
  // the account has no such zone.
  absl::StatusOr<std::string> ZoneId(const std::string& zone);
  absl::StatusOr<std::vector<HostedRecord>> Records(const std::string& zone_id,
                                                    const std::string& zone,
                                                    const std::string& name = "",
                                                    const std::string& type = "");

  HttpClient* const http_;
  const CloudflareOptions options_;
};

}  // namespace dm

#endif  // DM_CONTROLLER_PROVIDERS_DNS_CLOUDFLARE_PROVIDER_H_
