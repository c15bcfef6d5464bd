// What an operator asks of a DNS provider (dmctl dns set / delete), checked before any provider
// sees it: the record types DeployMachine manages (A, AAAA, CNAME, TXT), values that fit their
// type, a name inside the zone, a sane TTL.
#ifndef DM_CONTROLLER_PROVIDERS_DNS_DNS_RECORDS_H_
#define DM_CONTROLLER_PROVIDERS_DNS_DNS_RECORDS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "controller/providers/dns/dns_provider.h"

namespace dm {

// A zone as written ("shop.test", "Shop.Test."), lower case without its trailing dot;
// InvalidArgument for something that is not a domain name.
absl::StatusOr<std::string> NormalizeZone(const std::string& zone);

// `name` inside `zone`, fully qualified without the trailing dot: "@" or "" is the zone itself,
// "www" is www.ZONE, and a name that already ends in the zone stays. InvalidArgument otherwise.
absl::StatusOr<std::string> NameInZone(const std::string& name, const std::string& zone);

// The record set to ensure: type upper-cased and one of A, AAAA, CNAME, TXT; values checked (an
// IPv4 address, an IPv6 address, one host name, text of at most 255 bytes), sorted, without
// duplicates; ttl 1 to 604800 (0: 300).
absl::StatusOr<DnsRecord> CheckedRecord(const std::string& zone, const std::string& name,
                                        const std::string& type,
                                        const std::vector<std::string>& values, int ttl);

// The type upper-cased, if it is one of those above.
absl::StatusOr<std::string> CheckedType(const std::string& type);

}  // namespace dm

#endif  // DM_CONTROLLER_PROVIDERS_DNS_DNS_RECORDS_H_
