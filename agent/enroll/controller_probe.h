// Before an agent trusts a controller it has never met, it checks the controller's CA against the
// fingerprint in its join token (as kubeadm's discovery-token-ca-cert-hash does):
//
//   1. FetchPresentedChain: a TLS handshake that verifies nothing yet, only to see the
//      certificates the controller presents (it sends its CA along with its own certificate);
//   2. PinnedCaFromChain: the CA is accepted only if its SHA-256 matches the token and it
//      signed the presented server certificate.
//
// From then on every connection verifies the controller against that CA alone, so a
// man-in-the-middle on step 1 gains nothing: it cannot present a CA with the pinned fingerprint.
#ifndef DM_AGENT_ENROLL_CONTROLLER_PROBE_H_
#define DM_AGENT_ENROLL_CONTROLLER_PROBE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/host_port.h"
#include "common/tls/certificate.h"

namespace dm {

// The certificates `controller` presents in a TLS handshake, leaf first. Unavailable if it
// cannot be reached within `timeout`.
absl::StatusOr<std::vector<Certificate>> FetchPresentedChain(const HostPort& controller,
                                                             absl::Duration timeout);

// The CA in `chain` whose fingerprint is `fingerprint` and which issued `chain[0]`.
// PermissionDenied, saying why, if there is none.
absl::StatusOr<Certificate> PinnedCaFromChain(const std::vector<Certificate>& chain,
                                              const std::string& fingerprint);

}  // namespace dm

#endif  // DM_AGENT_ENROLL_CONTROLLER_PROBE_H_
