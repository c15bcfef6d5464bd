// A TCP port nobody listens on at an IPv4 address of this machine, for helper daemons that
// want a number in their configuration (PowerDNS's API, git daemon). Another process may take
// it before the daemon binds: the daemon's start then fails and says so.
#ifndef DM_COMMON_FREE_PORT_H_
#define DM_COMMON_FREE_PORT_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace dm {

absl::StatusOr<uint16_t> FreeTcpPort(const std::string& ipv4_address);

}  // namespace dm

#endif  // DM_COMMON_FREE_PORT_H_
