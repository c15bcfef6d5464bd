// DnsProvider over standard DNS (dns_wire.h): record sets changed with dynamic updates
// (RFC 2136), zones listed with a zone transfer (AXFR), every message signed with a TSIG key and
// every answer's signature checked. Works with BIND, Knot, PowerDNS and any server that accepts
// signed updates; zones must already exist on the server (a dynamic update cannot create one).
// Talks TCP, so that no answer is ever truncated.
#ifndef DM_CONTROLLER_PROVIDERS_DNS_RFC2136_PROVIDER_H_
#define DM_CONTROLLER_PROVIDERS_DNS_RFC2136_PROVIDER_H_

#include <string>

#include "absl/time/time.h"
#include "controller/providers/dns/dns_provider.h"
#include "controller/providers/dns/dns_wire.h"

namespace dm {

struct Rfc2136Options {
  std::string host = "127.0.0.1";  // an address
  uint16_t port = 53;
  dnswire::TsigKey key;
  absl::Duration timeout = absl::Seconds(10);
};

class Rfc2136Provider : public DnsProvider {
 public:
  explicit Rfc2136Provider(Rfc2136Options options) : options_(std::move(options)) {}

  std::string name() const override { return "rfc2136"; }
  // The zone must be on the server: FailedPrecondition, saying so, when it is not.
  absl::Status EnsureZone(const std::string& zone) override;
  absl::StatusOr<std::vector<DnsRecord>> ListRecords(const std::string& zone) override;
  absl::Status SetRecord(const std::string& zone, const DnsRecord& record) override;
  absl::Status DeleteRecord(const std::string& zone, const std::string& name,
                            const std::string& type) override;
  // Removes every A, AAAA, CNAME and TXT record set of the zone (the zone itself is the
  // server's configuration).
  absl::Status DeleteZone(const std::string& zone) override;

 private:
  // One signed request and its checked answer.
  absl::StatusOr<dnswire::Message> Exchange(dnswire::Message request);
  absl::Status Update(const std::string& zone, std::vector<dnswire::Record> updates);

  const Rfc2136Options options_;
};

}  // namespace dm

#endif  // DM_CONTROLLER_PROVIDERS_DNS_RFC2136_PROVIDER_H_
