// Conversions between absl::Status (used everywhere inside) and grpc::Status (on the wire).
#ifndef DM_COMMON_GRPC_STATUS_H_
#define DM_COMMON_GRPC_STATUS_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace dm {

grpc::Status ToGrpcStatus(const absl::Status& status);
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace dm

#endif  // DM_COMMON_GRPC_STATUS_H_
