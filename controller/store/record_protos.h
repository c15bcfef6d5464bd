// The controller's records as the API's messages: what dmctl shows of tokens, events and
// converge runs, and what converge events carry.
#ifndef DM_CONTROLLER_STORE_RECORD_PROTOS_H_
#define DM_CONTROLLER_STORE_RECORD_PROTOS_H_

#include <cstdint>

#include "absl/time/time.h"
#include "controller/store/records.h"
#include "dm/v1/admin.pb.h"

namespace dm {

dm::v1::Token ToProto(const TokenRecord& token);
dm::v1::Event ToProto(const EventRecord& event);
dm::v1::Run ToProto(const RunRecord& run);
dm::v1::RunStatus ToProto(RunStatus status);
dm::v1::BootstrapState ToProto(BootstrapState state);

// Unix milliseconds, 0 for "never" (absl::InfinitePast()).
int64_t UnixMillisOrZero(absl::Time t);

}  // namespace dm

#endif  // DM_CONTROLLER_STORE_RECORD_PROTOS_H_
