// How a bootstrap step stands as it is reported: running, then changed or ok (done), or failed.
// Apart from the bootstrapper so that those who only show steps need not link it.
#ifndef DM_BOOTSTRAP_STEP_OUTCOME_H_
#define DM_BOOTSTRAP_STEP_OUTCOME_H_

namespace dm {

enum class StepOutcome { kRunning, kChanged, kOk, kFailed };

// "running", "changed", "ok", "failed"
inline const char* StepOutcomeWord(StepOutcome outcome) {
  switch (outcome) {
    case StepOutcome::kRunning:
      return "running";
    case StepOutcome::kChanged:
      return "changed";
    case StepOutcome::kOk:
      return "ok";
    case StepOutcome::kFailed:
      return "failed";
  }
  return "failed";
}

}  // namespace dm

#endif  // DM_BOOTSTRAP_STEP_OUTCOME_H_
