#include "controller/providers/cloud_provider.h"

namespace dm {

const char* ProviderStateWord(ProviderState state) {
  switch (state) {
    case ProviderState::kCreating:
      return "creating";
    case ProviderState::kRunning:
      return "running";
    case ProviderState::kStopped:
      return "stopped";
    case ProviderState::kError:
      return "error";
  }
  return "error";
}

}  // namespace dm

namespace dm {

bool HasTags(const ServerInfo& info, const std::map<std::string, std::string>& tags) {
  for (const auto& [key, value] : tags) {
    auto it = info.tags.find(key);
    if (it == info.tags.end() || it->second != value) return false;
  }
  return true;
}

absl::StatusOr<std::vector<ServerInfo>> CloudProvider::ListTagged(
    const std::map<std::string, std::string>& tags) {
  absl::StatusOr<std::vector<ServerInfo>> all = List();
  if (!all.ok()) return all.status();
  std::vector<ServerInfo> tagged;
  for (ServerInfo& info : *all) {
    if (HasTags(info, tags)) tagged.push_back(std::move(info));
  }
  return tagged;
}

}  // namespace dm
