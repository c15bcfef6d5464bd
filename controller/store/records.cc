#include "controller/store/records.h"

namespace dm {

const char* RunStatusWord(RunStatus status) {
  switch (status) {
    case RunStatus::kRunning:
      return "running";
    case RunStatus::kConverged:
      return "converged";
    case RunStatus::kFailed:
      return "failed";
    case RunStatus::kInvalid:
      return "invalid";
    case RunStatus::kError:
      return "error";
    case RunStatus::kInterrupted:
      return "interrupted";
  }
  return "error";
}

std::optional<RunStatus> RunStatusFromWord(const std::string& word) {
  for (RunStatus s : {RunStatus::kRunning, RunStatus::kConverged, RunStatus::kFailed,
                      RunStatus::kInvalid, RunStatus::kError, RunStatus::kInterrupted}) {
    if (word == RunStatusWord(s)) return s;
  }
  return std::nullopt;
}

const char* BootstrapStateWord(BootstrapState state) {
  switch (state) {
    case BootstrapState::kNever:
      return "";
    case BootstrapState::kRunning:
      return "running";
    case BootstrapState::kDone:
      return "done";
    case BootstrapState::kFailed:
      return "failed";
  }
  return "";
}

std::optional<BootstrapState> BootstrapStateFromWord(const std::string& word) {
  for (BootstrapState s : {BootstrapState::kNever, BootstrapState::kRunning, BootstrapState::kDone,
                           BootstrapState::kFailed}) {
    if (word == BootstrapStateWord(s)) return s;
  }
  return std::nullopt;
}

}  // namespace dm
