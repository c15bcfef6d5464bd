#include "controller/providers/dns/dns_records.h"

#include <arpa/inet.h>

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/status_macros.h"

namespace dm {
namespace {

// Letters, digits and '-' in labels of 1 to 63, at most 253 in all (RFC 1035; '_' is allowed
// too, for names such as _dmarc).
bool IsHostName(const std::string& name) {
  if (name.empty() || name.size() > 253) return false;
  for (absl::string_view label : absl::StrSplit(name, '.')) {
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-')
      return false;
    for (char c : label) {
      if (!absl::ascii_isalnum(c) && c != '-' && c != '_') return false;
    }
  }
  return true;
}

}  // namespace

absl::StatusOr<std::string> NormalizeZone(const std::string& zone) {
  std::string z = absl::AsciiStrToLower(absl::StripSuffix(zone, "."));
  if (!IsHostName(z)) return absl::InvalidArgumentError(absl::StrCat("'", zone, "' is not a zone"));
  return z;
}

absl::StatusOr<std::string> NameInZone(const std::string& name, const std::string& zone) {
  DM_ASSIGN_OR_RETURN(std::string z, NormalizeZone(zone));
  std::string n = absl::AsciiStrToLower(absl::StripSuffix(name, "."));
  if (n.empty() || n == "@") return z;
  if (n != z && !absl::EndsWith(n, "." + z)) n = absl::StrCat(n, ".", z);
  if (!IsHostName(n))
    return absl::InvalidArgumentError(absl::StrCat("'", name, "' is not a name in ", z));
  return n;
}

absl::StatusOr<std::string> CheckedType(const std::string& type) {
  std::string t = absl::AsciiStrToUpper(type);
  if (t != "A" && t != "AAAA" && t != "CNAME" && t != "TXT") {
    return absl::InvalidArgumentError(
        absl::StrCat("record type '", type, "' is not one of A, AAAA, CNAME, TXT"));
  }
  return t;
}

absl::StatusOr<DnsRecord> CheckedRecord(const std::string& zone, const std::string& name,
                                        const std::string& type,
                                        const std::vector<std::string>& values, int ttl) {
  DnsRecord record;
  DM_ASSIGN_OR_RETURN(record.name, NameInZone(name, zone));
  DM_ASSIGN_OR_RETURN(record.type, CheckedType(type));
  if (ttl < 0 || ttl > 604800)
    return absl::InvalidArgumentError(absl::StrCat("ttl ", ttl, " is not 1 to 604800 seconds"));
  record.ttl = ttl == 0 ? 300 : ttl;
  if (values.empty()) return absl::InvalidArgumentError("a record set needs at least one value");
  for (const std::string& value : values) {
    in_addr v4;
    in6_addr v6;
    bool ok = record.type == "A"      ? ::inet_pton(AF_INET, value.c_str(), &v4) == 1
              : record.type == "AAAA" ? ::inet_pton(AF_INET6, value.c_str(), &v6) == 1
              : record.type == "CNAME"
                  ? IsHostName(absl::AsciiStrToLower(absl::StripSuffix(value, ".")))
                  : value.size() <= 255;
    if (!ok) {
      return absl::InvalidArgumentError(absl::StrCat("'", value, "' is not ",
                                                     record.type == "A"      ? "an IPv4 address"
                                                     : record.type == "AAAA" ? "an IPv6 address"
                                                     : record.type == "CNAME"
                                                         ? "a host name"
                                                         : "TXT text (at most 255 bytes)"));
    }
    record.values.push_back(
        record.type == "CNAME" ? absl::AsciiStrToLower(absl::StripSuffix(value, ".")) : value);
  }
  std::sort(record.values.begin(), record.values.end());
  record.values.erase(std::unique(record.values.begin(), record.values.end()), record.values.end());
  if (record.type == "CNAME" && record.values.size() > 1)
    return absl::InvalidArgumentError("a CNAME has exactly one value");
  return record;
}

}  // namespace dm
