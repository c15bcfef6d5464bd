// Turns a join token and a certificate request into an enrolled agent: checks the token, checks
// the request, signs a certificate naming the agent, and records both the token's use and the
// agent in one atomic Store write. On any failure nothing is stored (an audit event aside).
//
// Thread-safe.
#ifndef DM_CONTROLLER_ENROLLMENT_ENROLLMENT_SERVICE_H_
#define DM_CONTROLLER_ENROLLMENT_ENROLLMENT_SERVICE_H_

#include <string>

#include "absl/status/statusor.h"
#include "common/clock.h"
#include "common/tls/certificate_authority.h"
#include "controller/agents/agent_directory.h"
#include "controller/enrollment/attempt_limiter.h"
#include "controller/enrollment/token_service.h"
#include "controller/store/audit_trail.h"
#include "controller/store/store.h"
#include "dm/v1/enroll.pb.h"

namespace dm {

struct Enrolled {
  AgentRecord agent;
  std::string certificate_pem;
};

class EnrollmentService {
 public:
  static constexpr absl::Duration kAgentCertificateValidity = absl::Hours(24 * 365);
  // Retries of the token's compare-and-swap lost to concurrent enrollments.
  static constexpr int kMaxCommitAttempts = 1000;

  EnrollmentService(Store* store, TokenService* tokens, const CertificateAuthority* ca,
                    AgentDirectory* directory, Clock* clock)
      : store_(store),
        tokens_(tokens),
        ca_(ca),
        directory_(directory),
        clock_(clock),
        audit_(store, clock),
        attempts_(clock) {}

  // Errors: InvalidArgument (bad name or CSR), Unauthenticated / PermissionDenied (token, see
  // TokenService::CheckUsable; also when concurrent enrollments used it up meanwhile),
  // AlreadyExists (name taken), ResourceExhausted (too many failed attempts from the peer's
  // address lately: see AttemptLimiter). The facts of the request are cleaned (CleanFacts).
  absl::StatusOr<Enrolled> Enroll(const dm::v1::EnrollRequest& request, const std::string& peer);

 private:
  absl::StatusOr<Enrolled> EnrollChecked(const dm::v1::EnrollRequest& request);
  Store* const store_;
  TokenService* const tokens_;
  const CertificateAuthority* const ca_;
  AgentDirectory* const directory_;
  Clock* const clock_;
  const AuditTrail audit_;
  AttemptLimiter attempts_;
};

// Agent names: 1 to 63 of letters, digits, '.', '_' and '-', starting with a letter or digit
// (usable as a host name and in file names).
bool IsValidAgentName(const std::string& name);

}  // namespace dm

#endif  // DM_CONTROLLER_ENROLLMENT_ENROLLMENT_SERVICE_H_
