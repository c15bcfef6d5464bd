// Admin RPCs for stored converge runs (dmctl runs list / show).
#include "absl/strings/str_cat.h"
#include "common/grpc_status.h"
#include "controller/rpc/admin_handler.h"
#include "controller/rpc/proto_convert.h"

namespace dm {

grpc::Status AdminHandler::ListRuns(grpc::ServerContext* context,
                                    const dm::v1::ListRunsRequest* request,
                                    dm::v1::ListRunsResponse* response) {
  if (grpc::Status s = Authorize(context); !s.ok()) return s;
  size_t limit = request->limit() == 0 ? 50 : request->limit();
  absl::StatusOr<std::vector<RunRecord>> runs = store_->ListRuns(request->agent(), limit);
  if (!runs.ok()) return ToGrpcStatus(runs.status());
  for (const RunRecord& r : *runs) *response->add_runs() = ToProto(r);
  return grpc::Status::OK;
}

grpc::Status AdminHandler::GetRun(grpc::ServerContext* context,
                                  const dm::v1::GetRunRequest* request, dm::v1::Run* response) {
  if (grpc::Status s = Authorize(context); !s.ok()) return s;
  absl::StatusOr<RunRecord> run = store_->GetRun(request->id());
  if (!run.ok()) return ToGrpcStatus(run.status());
  *response = ToProto(*run);
  return grpc::Status::OK;
}

}  // namespace dm
