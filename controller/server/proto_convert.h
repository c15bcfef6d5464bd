// Conversions from the controller's records to the admin API's messages.
#ifndef DM_CONTROLLER_SERVER_PROTO_CONVERT_H_
#define DM_CONTROLLER_SERVER_PROTO_CONVERT_H_

#include "controller/agents/agent_directory.h"
#include "controller/store/records.h"
#include "dm/v1/admin.pb.h"

namespace dm {

dm::v1::Agent ToProto(const AgentView& view);
dm::v1::Token ToProto(const TokenRecord& token);
dm::v1::Event ToProto(const EventRecord& event);
dm::v1::Run ToProto(const RunRecord& run);

// Unix milliseconds, 0 for "never" (absl::InfinitePast()).
int64_t UnixMillisOrZero(absl::Time t);

}  // namespace dm

#endif  // DM_CONTROLLER_SERVER_PROTO_CONVERT_H_
