#include "common/state_words.h"

namespace dm {

const char* StepStatusWord(dm::v1::StepStatus status) {
  switch (status) {
    case dm::v1::STEP_RUNNING:
      return "running";
    case dm::v1::STEP_OK:
      return "ok";
    case dm::v1::STEP_CHANGED:
      return "changed";
    case dm::v1::STEP_FAILED:
      return "failed";
    case dm::v1::STEP_PLANNED:
      return "planned";
    default:
      return "";
  }
}

}  // namespace dm
