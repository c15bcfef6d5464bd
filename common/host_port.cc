#include "common/host_port.h"

#include <arpa/inet.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace dm {

absl::StatusOr<HostPort> HostPort::Parse(const std::string& text, bool allow_port_zero) {
  auto invalid = [&text](const std::string& why) {
    return absl::InvalidArgumentError(absl::StrCat("address '", text, "' is not HOST:PORT: ", why));
  };
  std::string host, port;
  if (!text.empty() && text[0] == '[') {
    size_t close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return invalid("an IPv6 address goes in brackets, as in [::1]:7443");
    }
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    size_t colon = text.rfind(':');
    if (colon == std::string::npos) return invalid("no port");
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (host.find(':') != std::string::npos) return invalid("an IPv6 address goes in brackets");
  }
  if (host.empty()) return invalid("no host");
  uint32_t value = 0;
  if (!absl::SimpleAtoi(port, &value) || (value == 0 && !allow_port_zero) || value > 65535) {
    return invalid("the port must be a number from 1 to 65535");
  }
  return HostPort{host, static_cast<uint16_t>(value)};
}

std::string HostPort::ToString() const {
  if (host.find(':') != std::string::npos) return absl::StrCat("[", host, "]:", port);
  return absl::StrCat(host, ":", port);
}

bool HostPort::HostIsIpAddress() const {
  unsigned char buf[16];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

}  // namespace dm
