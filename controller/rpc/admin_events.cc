// Admin RPC for the audit trail.
#include "common/grpc_status.h"
#include "controller/rpc/admin_handler.h"
#include "controller/rpc/proto_convert.h"

namespace dm {

grpc::Status AdminHandler::ListEvents(grpc::ServerContext* context,
                                      const dm::v1::ListEventsRequest* request,
                                      dm::v1::ListEventsResponse* response) {
  if (grpc::Status s = Authorize(context); !s.ok()) return s;
  size_t limit = request->limit() == 0 ? 100 : request->limit();
  absl::StatusOr<std::vector<EventRecord>> events = store_->ListEvents(limit);
  if (!events.ok()) return ToGrpcStatus(events.status());
  for (const EventRecord& e : *events) *response->add_events() = ToProto(e);
  return grpc::Status::OK;
}

}  // namespace dm
