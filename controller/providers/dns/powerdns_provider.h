// DnsProvider over the PowerDNS Authoritative HTTP API (/api/v1, X-API-Key), as documented at
// doc.powerdns.com/authoritative/http-api: zones are created with POST .../zones and changed
// with PATCH rrsets (changetype REPLACE or DELETE). Works with any PowerDNS server; the
// controller's embedded one is EmbeddedPowerDns.
#ifndef DM_CONTROLLER_PROVIDERS_DNS_POWERDNS_PROVIDER_H_
#define DM_CONTROLLER_PROVIDERS_DNS_POWERDNS_PROVIDER_H_

#include <memory>
#include <string>

#include "common/http/http_client.h"
#include "controller/providers/dns/dns_provider.h"

namespace dm {

class PowerDnsProvider : public DnsProvider {
 public:
  // `base_url`: "http://127.0.0.1:8081"; `server_id`: "localhost" for a single server.
  PowerDnsProvider(HttpClient* http, std::string base_url, std::string api_key,
                   std::string server_id = "localhost")
      : http_(http),
        base_url_(std::move(base_url)),
        api_key_(std::move(api_key)),
        server_id_(std::move(server_id)) {}

  std::string name() const override { return "powerdns"; }
  absl::Status EnsureZone(const std::string& zone) override;
  absl::StatusOr<std::vector<DnsRecord>> ListRecords(const std::string& zone) override;
  absl::Status SetRecord(const std::string& zone, const DnsRecord& record) override;
  absl::Status DeleteRecord(const std::string& zone, const std::string& name,
                            const std::string& type) override;
  absl::Status DeleteZone(const std::string& zone) override;

 private:
  absl::StatusOr<HttpResponse> Call(const std::string& method, const std::string& path,
                                    const std::string& body = "");
  std::string ZoneUrl(const std::string& zone) const;
  absl::Status Patch(const std::string& zone, const std::string& rrsets_json);

  HttpClient* const http_;
  const std::string base_url_, api_key_, server_id_;
};

}  // namespace dm

#endif  // DM_CONTROLLER_PROVIDERS_DNS_POWERDNS_PROVIDER_H_
