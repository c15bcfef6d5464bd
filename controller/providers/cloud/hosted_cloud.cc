#include "controller/providers/cloud/hosted_cloud.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

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
          absl::StrCat(options.name, ": server ", info->name, " failed to boot"));
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

std::string PublicKeyWithoutComment(const std::string& key) {
  std::vector<std::string> parts = absl::StrSplit(key, ' ', absl::SkipWhitespace());
  if (parts.size() > 2) parts.resize(2);
  return absl::StrJoin(parts, " ");
}

}  // namespace dm
