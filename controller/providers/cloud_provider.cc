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
