// "HOST:PORT" addresses as given on command lines ("127.0.0.1:7443", "[::1]:7443", "ctl:7443").
#ifndef DM_COMMON_HOST_PORT_H_
#define DM_COMMON_HOST_PORT_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace dm {

struct HostPort {
  std::string host;  // without brackets
  uint16_t port = 0;

  // InvalidArgument naming `text` if it is not HOST:PORT with a port in 1..65535 (or 0, "any
  // free port", when `allow_port_zero`: listen addresses).
  static absl::StatusOr<HostPort> Parse(const std::string& text, bool allow_port_zero = false);
  // Brackets IPv6 hosts again, as gRPC target strings want.
  std::string ToString() const;
  bool HostIsIpAddress() const;
};

}  // namespace dm

#endif  // DM_COMMON_HOST_PORT_H_
