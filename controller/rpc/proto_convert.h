// Conversions from the controller's live views to the admin API's messages (records: see
// controller/store/record_protos.h).
#ifndef DM_CONTROLLER_RPC_PROTO_CONVERT_H_
#define DM_CONTROLLER_RPC_PROTO_CONVERT_H_

#include "controller/agents/agent_directory.h"
#include "controller/store/record_protos.h"
#include "dm/v1/admin.pb.h"

namespace dm {

dm::v1::Agent ToProto(const AgentView& view);

}  // namespace dm

#endif  // DM_CONTROLLER_RPC_PROTO_CONVERT_H_
