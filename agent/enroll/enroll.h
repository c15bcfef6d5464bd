// Enrollment: from a join token to an agent identity (see agent/identity/agent_identity.h).
//
// Checks the controller against the token's CA fingerprint, generates a key on this host, sends
// a CSR with the token, checks the certificate it gets back, and only then writes anything. A
// refused token, an unreachable or impostor controller, or any other failure leaves the data
// directory as it was.
#ifndef DM_AGENT_ENROLL_ENROLL_H_
#define DM_AGENT_ENROLL_ENROLL_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "agent/identity/agent_identity.h"
#include "dm/v1/facts.pb.h"

namespace dm {

struct EnrollOptions {
  std::string controller;  // HOST:PORT
  std::string token;       // the whole join token
  std::string name;
  std::string data_dir;
  dm::v1::Facts facts;
  // How long to keep trying while the controller cannot be reached. Refusals end at once.
  absl::Duration timeout = absl::Seconds(30);
};

absl::StatusOr<AgentIdentity> Enroll(const EnrollOptions& options);

}  // namespace dm

#endif  // DM_AGENT_ENROLL_ENROLL_H_
