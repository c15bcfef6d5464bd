// Admin RPCs about enrolled agents: list, show, remove.
#include "common/grpc_status.h"
#include "common/log.h"
#include "controller/rpc/admin_handler.h"
#include "controller/rpc/peer_identity.h"
#include "controller/rpc/proto_convert.h"

namespace dm {

grpc::Status AdminHandler::Authorize(const grpc::ServerContext* context) const {
  return ToGrpcStatus(RequirePeer(*context, PeerKind::kAdmin).status());
}

grpc::Status AdminHandler::ListAgents(grpc::ServerContext* context,
                                      const dm::v1::ListAgentsRequest*,
                                      dm::v1::ListAgentsResponse* response) {
  if (grpc::Status s = Authorize(context); !s.ok()) return s;
  for (const AgentView& view : directory_->List()) *response->add_agents() = ToProto(view);
  return grpc::Status::OK;
}

grpc::Status AdminHandler::GetAgent(grpc::ServerContext* context,
                                    const dm::v1::GetAgentRequest* request,
                                    dm::v1::Agent* response) {
  if (grpc::Status s = Authorize(context); !s.ok()) return s;
  absl::StatusOr<AgentView> view = directory_->Get(request->name());
  if (!view.ok()) return ToGrpcStatus(view.status());
  *response = ToProto(*view);
  return grpc::Status::OK;
}

grpc::Status AdminHandler::RemoveAgent(grpc::ServerContext* context,
                                       const dm::v1::RemoveAgentRequest* request,
                                       dm::v1::RemoveAgentResponse* response) {
  if (grpc::Status s = Authorize(context); !s.ok()) return s;
  absl::StatusOr<AgentView> before = directory_->Get(request->name());
  if (!before.ok()) return ToGrpcStatus(before.status());
  absl::StatusOr<AgentRecord> removed = directory_->Remove(request->name());
  if (!removed.ok()) return ToGrpcStatus(removed.status());
  tracker_->FailCommandsOf(removed->id, "the agent was removed");
  LogInfo("removed agent {} (id {}); certificate {} revoked", removed->name, removed->id,
          removed->cert_serial);
  Audit("agent.removed", removed->name, "certificate " + removed->cert_serial + " revoked");
  AgentView after = *before;
  after.connected = false;
  *response->mutable_agent() = ToProto(after);
  return grpc::Status::OK;
}

}  // namespace dm
