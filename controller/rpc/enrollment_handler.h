// The enrollment service: the one RPC reachable without a client certificate. The join token in
// the request authenticates it (EnrollmentService checks it).
#ifndef DM_CONTROLLER_RPC_ENROLLMENT_HANDLER_H_
#define DM_CONTROLLER_RPC_ENROLLMENT_HANDLER_H_

#include "common/tls/certificate_authority.h"
#include "controller/enrollment/enrollment_service.h"
#include "dm/v1/enroll.grpc.pb.h"

namespace dm {

class EnrollmentHandler final : public dm::v1::Enrollment::Service {
 public:
  EnrollmentHandler(EnrollmentService* service, const CertificateAuthority* ca)
      : service_(service), ca_(ca) {}

  grpc::Status Enroll(grpc::ServerContext* context, const dm::v1::EnrollRequest* request,
                      dm::v1::EnrollResponse* response) override;

 private:
  EnrollmentService* const service_;
  const CertificateAuthority* const ca_;
};

}  // namespace dm

#endif  // DM_CONTROLLER_RPC_ENROLLMENT_HANDLER_H_
