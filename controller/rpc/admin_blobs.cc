// Admin RPCs for the deploy folders dmctl sends with fleet files: which contents the controller
// lacks (so only those travel), then those contents, each checked against its hash.
#include "absl/strings/str_cat.h"
#include "common/grpc_status.h"
#include "controller/rpc/admin_handler.h"

namespace dm {

grpc::Status AdminHandler::MissingBlobs(grpc::ServerContext* context,
                                        const dm::v1::MissingBlobsRequest* request,
                                        dm::v1::MissingBlobsResponse* response) {
  if (grpc::Status s = Authorize(context); !s.ok()) return s;
  if (trees_ == nullptr)
    return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                        "this controller takes no deploy folders");
  if (request->sha256_size() > static_cast<int>(DeployTreeStore::kMaxTreeFiles))
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "too many blobs in one request");
  absl::StatusOr<std::vector<std::string>> missing =
      trees_->Missing({request->sha256().begin(), request->sha256().end()});
  if (!missing.ok()) return ToGrpcStatus(missing.status());
  for (std::string& sha : *missing) response->add_sha256(std::move(sha));
  return grpc::Status::OK;
}

grpc::Status AdminHandler::PutBlobs(grpc::ServerContext* context,
                                    const dm::v1::PutBlobsRequest* request,
                                    dm::v1::PutBlobsResponse*) {
  if (grpc::Status s = Authorize(context); !s.ok()) return s;
  if (trees_ == nullptr)
    return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                        "this controller takes no deploy folders");
  for (const dm::v1::Blob& blob : request->blobs()) {
    if (absl::Status put = trees_->Put(blob.sha256(), blob.data()); !put.ok())
      return ToGrpcStatus(put);
  }
  return grpc::Status::OK;
}

}  // namespace dm
