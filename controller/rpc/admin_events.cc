// Admin RPCs for the audit trail: the newest events, and following them as they are recorded.
#include "common/grpc_status.h"
#include "controller/rpc/admin_handler.h"
#include "controller/rpc/proto_convert.h"

namespace dm {

grpc::Status AdminHandler::ListEvents(grpc::ServerContext* context,
                                      const dm::v1::ListEventsRequest* request,
                                      dm::v1::ListEventsResponse* response) {
  if (grpc::Status s = Authorize(context); !s.ok()) return s;
  EventQuery query;
  query.limit = request->limit() == 0 ? 100 : request->limit();
  query.fleet = request->fleet();
  absl::StatusOr<std::vector<EventRecord>> events = store_->ListEvents(query);
  if (!events.ok()) return ToGrpcStatus(events.status());
  for (const EventRecord& e : *events) *response->add_events() = ToProto(e);
  return grpc::Status::OK;
}

grpc::Status AdminHandler::FollowEvents(grpc::ServerContext* context,
                                        const dm::v1::FollowEventsRequest* request,
                                        grpc::ServerWriter<dm::v1::Event>* writer) {
  if (grpc::Status s = Authorize(context); !s.ok()) return s;
  // The newest seq first, then the backlog: an event recorded in between is in the backlog or
  // after `after`, never in neither.
  uint64_t after = store_->WaitForEventAfter(UINT64_MAX, absl::ZeroDuration());
  EventQuery newest;
  newest.limit = std::max<size_t>(request->backlog(), 1);
  newest.fleet = request->fleet();
  absl::StatusOr<std::vector<EventRecord>> backlog = store_->ListEvents(newest);
  if (!backlog.ok()) return ToGrpcStatus(backlog.status());
  if (!backlog->empty()) after = std::max(after, backlog->front().seq);
  for (size_t i = std::min<size_t>(request->backlog(), backlog->size()); i-- > 0;) {
    if (!writer->Write(ToProto((*backlog)[i]))) return grpc::Status::OK;
  }
  constexpr size_t kBatch = 500;
  while (!context->IsCancelled()) {
    // Woken by the Store when an event is appended; the timeout only notices a cancelled call.
    uint64_t known = store_->WaitForEventAfter(after, absl::Seconds(1));
    EventQuery next;
    next.after_seq = after;
    next.fleet = request->fleet();
    next.limit = kBatch;
    absl::StatusOr<std::vector<EventRecord>> events = store_->ListEvents(next);
    if (!events.ok()) return ToGrpcStatus(events.status());
    for (const EventRecord& e : *events) {
      if (!writer->Write(ToProto(e))) return grpc::Status::OK;
      after = e.seq;
    }
    // Every event up to `known` was committed before the query: those of other fleets need no
    // second look.
    if (events->size() < kBatch) after = std::max(after, known);
  }
  return grpc::Status::OK;
}

}  // namespace dm
