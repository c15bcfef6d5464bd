// Certificate signing requests: the agent makes one, the controller checks it and signs its key.
#ifndef DM_COMMON_TLS_CSR_H_
#define DM_COMMON_TLS_CSR_H_

#include <string>

#include "absl/status/statusor.h"
#include "common/tls/openssl_types.h"

namespace dm {

// A PEM CSR for `key` with subject CN `common_name`, signed by `key` (proof of possession).
absl::StatusOr<std::string> CreateCsr(EVP_PKEY* key, const std::string& common_name);

// A PEM request longer than this is refused unread (a P-256 request is ~500 bytes).
inline constexpr size_t kMaxCsrPemBytes = 16 << 10;

// The public key of a PEM CSR whose self-signature verifies and whose key is strong enough
// (see CheckPublicKeyStrength). InvalidArgument otherwise. The CSR's subject is not returned on
// purpose: the controller names certificates itself.
absl::StatusOr<EvpPkeyPtr> VerifiedCsrPublicKey(const std::string& pem);

}  // namespace dm

#endif  // DM_COMMON_TLS_CSR_H_
