// DNS providers: where a fleet's names point (DOMAIN and www.DOMAIN at its load balancers).
// The embedded default is a PowerDNS server the controller runs on loopback (EmbeddedPowerDns);
// hosted providers implement the same interface over their HTTP APIs.
#ifndef DM_CONTROLLER_PROVIDERS_DNS_DNS_PROVIDER_H_
#define DM_CONTROLLER_PROVIDERS_DNS_DNS_PROVIDER_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace dm {

struct DnsRecord {
  std::string name;  // fully qualified, no trailing dot: "www.shop.test"
  std::string type;  // "A", "AAAA", "CNAME", ...
  int ttl = 60;
  std::vector<std::string> values;  // sorted

  bool operator==(const DnsRecord& other) const {
    return name == other.name && type == other.type && ttl == other.ttl && values == other.values;
  }
};

class DnsProvider {
 public:
  virtual ~DnsProvider() = default;
  virtual std::string name() const = 0;

  // Creates the zone (no trailing dot: "shop.test") unless it exists.
  virtual absl::Status EnsureZone(const std::string& zone) = 0;
  // The zone's records, without its SOA and NS. NotFound if there is no such zone.
  virtual absl::StatusOr<std::vector<DnsRecord>> ListRecords(const std::string& zone) = 0;
  // Replaces every record of the record's name and type with it.
  virtual absl::Status SetRecord(const std::string& zone, const DnsRecord& record) = 0;
  // Removes every record of `name` and `type`; OK if there is none.
  virtual absl::Status DeleteRecord(const std::string& zone, const std::string& name,
                                    const std::string& type) = 0;
  // Removes the zone and its records; OK if there is none.
  virtual absl::Status DeleteZone(const std::string& zone) = 0;
};

}  // namespace dm

#endif  // DM_CONTROLLER_PROVIDERS_DNS_DNS_PROVIDER_H_
