// Admin RPC that converges agents to the roles they enrolled with (the Converger does the work),
// streaming their progress and results back.
#include "absl/strings/str_cat.h"
#include "common/grpc_status.h"
#include "controller/rpc/admin_handler.h"

namespace dm {

grpc::Status AdminHandler::Converge(grpc::ServerContext* context,
                                    const dm::v1::ConvergeRequest* request,
                                    grpc::ServerWriter<dm::v1::ConvergeEvent>* writer) {
  if (grpc::Status s = Authorize(context); !s.ok()) return s;
  int ways = (request->agents_size() > 0) + !request->role().empty() + request->all();
  if (ways != 1) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        "name agents, or a role, or all (exactly one)");
  }
  std::vector<ConvergeTarget> targets;
  if (request->agents_size() > 0) {
    for (const std::string& name : request->agents()) {
      if (absl::StatusOr<AgentView> view = directory_->Get(name); !view.ok())
        return ToGrpcStatus(view.status());
      targets.push_back({name, "", request->attributes_json()});
    }
  } else {
    for (const AgentView& view : directory_->List()) {
      if (request->all() || view.record.role == request->role()) {
        targets.push_back({view.record.name, "", request->attributes_json()});
      }
    }
    if (targets.empty()) {
      return grpc::Status(grpc::StatusCode::NOT_FOUND,
                          request->all()
                              ? "no agents are enrolled"
                              : absl::StrCat("no agent has role '", request->role(), "'"));
    }
  }
  size_t started = 0;
  bool client_gone = false;
  auto forward = [&](const dm::v1::ConvergeEvent& event) {
    if (event.has_started()) ++started;
    // The runs go on without a listener; their results are stored either way.
    client_gone = client_gone || context->IsCancelled() || !writer->Write(event);
  };
  absl::StatusOr<std::vector<ConvergeOutcome>> outcomes =
      converger_->Run(targets, request->dry_run(), forward);
  if (!outcomes.ok()) return ToGrpcStatus(outcomes.status());
  Audit("converge",
        request->all()            ? "all"
        : request->role().empty() ? "agents"
                                  : request->role(),
        absl::StrCat(request->dry_run() ? "dry run on " : "", started, " agents"));
  return grpc::Status::OK;
}

}  // namespace dm
