#include "controller/agents/agent_facts.h"

#include <arpa/inet.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace dm {
namespace {

// Cuts `text` to kMaxFactBytes and replaces what is not printable ASCII; says why if it did.
void CleanText(const char* field, std::string* text, std::vector<std::string>* changes) {
  bool cut = text->size() > kMaxFactBytes;
  if (cut) text->resize(kMaxFactBytes);
  bool replaced = false;
  for (char& c : *text) {
    if (!absl::ascii_isprint(static_cast<unsigned char>(c))) {
      c = '?';
      replaced = true;
    }
  }
  if (cut) changes->push_back(absl::StrCat(field, ": longer than ", kMaxFactBytes, " bytes, cut"));
  if (replaced) changes->push_back(absl::StrCat(field, ": control or non-ASCII characters"));
}

bool IsHostName(const std::string& name) {
  if (name.empty()) return true;  // unknown is allowed
  for (unsigned char c : name) {
    if (!absl::ascii_isalnum(c) && c != '.' && c != '-' && c != '_') return false;
  }
  return name != "." && name != "..";
}

bool IsAddress(const std::string& text) {
  unsigned char buffer[sizeof(struct in6_addr)];
  return inet_pton(AF_INET, text.c_str(), buffer) == 1 ||
         inet_pton(AF_INET6, text.c_str(), buffer) == 1;
}

}  // namespace

std::vector<std::string> CleanFacts(dm::v1::Facts* facts) {
  std::vector<std::string> changes;
  if (!IsHostName(facts->hostname())) {
    facts->set_hostname("invalid");
    changes.push_back("hostname: not a host name");
  }
  CleanText("hostname", facts->mutable_hostname(), &changes);
  CleanText("os_name", facts->mutable_os_name(), &changes);
  CleanText("os_id", facts->mutable_os_id(), &changes);
  CleanText("os_version", facts->mutable_os_version(), &changes);
  CleanText("kernel", facts->mutable_kernel(), &changes);
  CleanText("arch", facts->mutable_arch(), &changes);
  CleanText("agent_version", facts->mutable_agent_version(), &changes);

  // Rebuilt rather than erased from: a hostile list may hold millions of entries.
  google::protobuf::RepeatedPtrField<std::string> kept;
  for (const std::string& address : facts->addresses()) {
    if (kept.size() < kMaxFactAddresses && IsAddress(address)) *kept.Add() = address;
  }
  if (kept.size() != facts->addresses_size()) {
    changes.push_back(absl::StrCat("addresses: ", facts->addresses_size() - kept.size(),
                                   " dropped (not an IP address, or past ", kMaxFactAddresses,
                                   ")"));
    facts->mutable_addresses()->Swap(&kept);
  }
  return changes;
}

}  // namespace dm
