#include "controller/providers/cloud/hosted_cloud.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/tls/digest.h"

namespace dm {

absl::StatusOr<ServerInfo> WaitUntilRunning(const std::function<absl::StatusOr<ServerInfo>()>& get,
                                            const HostedCloudOptions& options,
                                            const ProgressFn& progress) {
  const absl::Time deadline = options.clock->Now() + options.boot_timeout;
  std::string last;
  for (;;) {
    absl::StatusOr<ServerInfo> info = get();
    if (!info.ok()) return info.status();
    if (info->state == ProviderState::kRunning && !info->address.empty()) return info;
    if (info->state == ProviderState::kError) {
      return absl::UnavailableError(
          absl::StrCat(options.name, ": server ", info->name, " failed to boot",
                       info->fault.empty() ? "" : absl::StrCat(": ", info->fault)));
    }
    const std::string now = ProviderStateWord(info->state);
    if (now != last && progress) progress(absl::StrCat(info->name, " is ", now));
    last = now;
    if (options.clock->Now() >= deadline) {
      return absl::DeadlineExceededError(absl::StrCat(options.name, ": server ", info->name,
                                                      " was still ", now, " after ",
                                                      absl::FormatDuration(options.boot_timeout)));
    }
    options.clock->SleepFor(options.poll_every);
  }
}

std::string FirewallName(std::vector<int>* ports, const std::vector<std::string>& admit_from) {
  ports->push_back(22);
  std::sort(ports->begin(), ports->end());
  ports->erase(std::unique(ports->begin(), ports->end()), ports->end());
  std::string name = absl::StrCat("dm-tcp-", absl::StrJoin(*ports, "-"));
  if (!admit_from.empty()) {
    std::vector<std::string> sorted = admit_from;
    std::sort(sorted.begin(), sorted.end());
    absl::StrAppend(&name, "-", Sha256Hex(absl::StrJoin(sorted, ",")).substr(0, 8));
  }
  return name;
}

std::string AsCidr(const std::string& address) {
  if (address.find('/') != std::string::npos) return address;
  return absl::StrCat(address, address.find(':') != std::string::npos ? "/128" : "/32");
}

std::string PublicKeyWithoutComment(const std::string& key) {
  std::vector<std::string> parts = absl::StrSplit(key, ' ', absl::SkipWhitespace());
  if (parts.size() > 2) parts.resize(2);
  return absl::StrJoin(parts, " ");
}

}  // namespace dm
