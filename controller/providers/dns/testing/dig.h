// What a real DNS server answers, asked with dig as an operator would: for tests of the DNS
// providers against real servers (PowerDNS, BIND).
#ifndef DM_CONTROLLER_PROVIDERS_DNS_TESTING_DIG_H_
#define DM_CONTROLLER_PROVIDERS_DNS_TESTING_DIG_H_

#include <cstdint>
#include <string>

namespace dm::testing {

// `dig +short @127.0.0.1 -p PORT NAME TYPE`: the answers one per line, sorted (servers rotate a
// set's values); "" for none, "dig failed: ..." when dig did not run.
std::string Dig(uint16_t port, const std::string& name, const std::string& type = "A");

}  // namespace dm::testing

#endif  // DM_CONTROLLER_PROVIDERS_DNS_TESTING_DIG_H_
