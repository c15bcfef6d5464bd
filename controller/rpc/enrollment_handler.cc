#include "controller/rpc/enrollment_handler.h"

#include "common/grpc_status.h"

namespace dm {

grpc::Status EnrollmentHandler::Enroll(grpc::ServerContext* context,
                                       const dm::v1::EnrollRequest* request,
                                       dm::v1::EnrollResponse* response) {
  absl::StatusOr<Enrolled> enrolled = service_->Enroll(*request, context->peer());
  if (!enrolled.ok()) return ToGrpcStatus(enrolled.status());
  response->set_agent_id(enrolled->agent.id);
  response->set_certificate_pem(enrolled->certificate_pem);
  response->set_ca_pem(ca_->certificate().ToPem());
  response->set_role(enrolled->agent.role);
  return grpc::Status::OK;
}

}  // namespace dm
