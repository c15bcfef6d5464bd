// The controller's own DNS server: Debian's PowerDNS Authoritative (pdns_server) with its
// sqlite3 backend, answering on loopback (`dig @127.0.0.1 -p PORT www.DOMAIN`), its HTTP API on
// a loopback port of its own behind a random API key. Records live in DIR/pdns.sqlite3 and so
// survive restarts; the server is the controller's child and stops with it. One left running by a
// controller that was killed is stopped by the next start.
#ifndef DM_CONTROLLER_PROVIDERS_DNS_EMBEDDED_POWERDNS_H_
#define DM_CONTROLLER_PROVIDERS_DNS_EMBEDDED_POWERDNS_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/child_process.h"
#include "common/http/http_client.h"
#include "controller/providers/dns/powerdns_provider.h"

namespace dm {

struct EmbeddedPowerDnsOptions {
  std::string dir;  // DATA_DIR/dns
  std::string listen_host = "127.0.0.1";
  uint16_t port = 5300;  // DNS, UDP and TCP
};

class EmbeddedPowerDns {
 public:
  // Creates the database and configuration on first use, starts pdns_server and waits until its
  // API answers. FailedPrecondition when PowerDNS is not installed.
  static absl::StatusOr<std::unique_ptr<EmbeddedPowerDns>> Start(
      const EmbeddedPowerDnsOptions& options);

  DnsProvider* provider() { return provider_.get(); }
  uint16_t dns_port() const { return options_.port; }
  const std::string& api_url() const { return api_url_; }
  // Its HTTP API's key (for tests that drive it as "any PowerDNS"); never logged.
  const std::string& api_key() const { return api_key_; }

 private:
  EmbeddedPowerDns() = default;

  EmbeddedPowerDnsOptions options_;
  std::string api_url_;
  std::string api_key_;
  std::unique_ptr<HttpClient> http_;
  std::unique_ptr<ChildProcess> server_;
  std::unique_ptr<PowerDnsProvider> provider_;
};

}  // namespace dm

#endif  // DM_CONTROLLER_PROVIDERS_DNS_EMBEDDED_POWERDNS_H_
