// The words for the API's closed sets of states, as dmctl prints them and scripts read them in
// --json output ("running", "changed", ...). States travel and are compared as enums; they
// become words only here, where they are printed.
#ifndef DM_COMMON_STATE_WORDS_H_
#define DM_COMMON_STATE_WORDS_H_

#include "dm/v1/admin.pb.h"

namespace dm {

// running, ok, changed, failed, planned ("" when unspecified)
const char* StepStatusWord(dm::v1::StepStatus status);

}  // namespace dm

#endif  // DM_COMMON_STATE_WORDS_H_
