#include "agent/facts/facts.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/files.h"
#include "common/version.h"

namespace dm {
namespace {

std::string Unquote(std::string value) {
  if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
      value.back() == value.front()) {
    return value.substr(1, value.size() - 2);
  }
  return value;
}

void CollectAddresses(dm::v1::Facts* facts) {
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return;
  for (ifaddrs* ifa = list; ifa != nullptr; ifa = ifa->ifa_next) {
    if (ifa->ifa_addr == nullptr || (ifa->ifa_flags & IFF_LOOPBACK) || !(ifa->ifa_flags & IFF_UP))
      continue;
    char buf[INET6_ADDRSTRLEN] = {0};
    if (ifa->ifa_addr->sa_family == AF_INET) {
      inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(ifa->ifa_addr)->sin_addr, buf,
                sizeof(buf));
    } else if (ifa->ifa_addr->sa_family == AF_INET6) {
      auto* in6 = reinterpret_cast<sockaddr_in6*>(ifa->ifa_addr);
      if (IN6_IS_ADDR_LINKLOCAL(&in6->sin6_addr)) continue;  // not reachable without a scope
      inet_ntop(AF_INET6, &in6->sin6_addr, buf, sizeof(buf));
    } else {
      continue;
    }
    facts->add_addresses(buf);
  }
  freeifaddrs(list);
}

}  // namespace

void ParseOsRelease(const std::string& text, dm::v1::Facts* facts) {
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    std::pair<std::string, std::string> kv = absl::StrSplit(line, absl::MaxSplits('=', 1));
    std::string value = Unquote(kv.second);
    if (kv.first == "PRETTY_NAME") facts->set_os_name(value);
    if (kv.first == "ID") facts->set_os_id(value);
    if (kv.first == "VERSION_ID") facts->set_os_version(value);
  }
}

uint64_t ParseMemTotalBytes(const std::string& meminfo) {
  for (absl::string_view line : absl::StrSplit(meminfo, '\n')) {
    if (!absl::ConsumePrefix(&line, "MemTotal:")) continue;
    line = absl::StripSuffix(absl::StripAsciiWhitespace(line), "kB");
    uint64_t kib = 0;
    if (absl::SimpleAtoi(absl::StripAsciiWhitespace(line), &kib)) return kib * 1024;
  }
  return 0;
}

dm::v1::Facts CollectFacts() {
  dm::v1::Facts facts;
  char host[256] = {0};
  if (gethostname(host, sizeof(host) - 1) == 0) facts.set_hostname(host);
  if (auto text = ReadFile("/etc/os-release"); text.ok()) ParseOsRelease(*text, &facts);
  utsname uts;
  if (uname(&uts) == 0) {
    facts.set_kernel(uts.release);
    facts.set_arch(uts.machine);
  }
  CollectAddresses(&facts);
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  facts.set_cpu_count(cpus > 0 ? static_cast<uint32_t>(cpus) : 0);
  if (auto meminfo = ReadFile("/proc/meminfo"); meminfo.ok()) {
    facts.set_memory_bytes(ParseMemTotalBytes(*meminfo));
  }
  facts.set_agent_version(kVersion);
  return facts;
}

}  // namespace dm
