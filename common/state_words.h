// The words for the API's closed sets of states, as dmctl prints them and scripts read them in
// --json output ("running", "changed", "converged", ...). States travel and are compared as
// enums; they become words only here, where they are printed.
#ifndef DM_COMMON_STATE_WORDS_H_
#define DM_COMMON_STATE_WORDS_H_

#include "dm/v1/admin.pb.h"

namespace dm {

// running, ok, changed, failed, planned
const char* StepStatusWord(dm::v1::StepStatus status);
// running, converged, failed, invalid, error, interrupted
const char* RunStatusWord(dm::v1::RunStatus status);
// "" (never), running, done, failed
const char* BootstrapStateWord(dm::v1::BootstrapState state);
// running, stopped, error, missing, absent, creating
const char* ServerStateWord(dm::v1::ServerState state);
// ok, changed, failed, skipped
const char* ResourceStatusWord(dm::v1::ResourceStatus status);
// connected, disconnected
const char* AgentStateWord(dm::v1::AgentState state);
// healthy, degraded, unhealthy, lost, unknown
const char* HostHealthWord(dm::v1::HostHealth health);
// passing, failing, unknown
const char* CheckStateWord(dm::v1::CheckState state);
// service, http, tcp, command, disk
const char* CheckKindWord(dm::v1::CheckKind kind);

}  // namespace dm

#endif  // DM_COMMON_STATE_WORDS_H_
