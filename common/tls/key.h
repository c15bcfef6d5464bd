// Private keys: generation (ECDSA P-256, what every DeployMachine certificate uses) and PEM.
#ifndef DM_COMMON_TLS_KEY_H_
#define DM_COMMON_TLS_KEY_H_

#include <string>

#include "absl/status/statusor.h"
#include "common/tls/openssl_types.h"

namespace dm {

absl::StatusOr<EvpPkeyPtr> GenerateKey();

// PKCS#8 PEM, unencrypted: callers store it in a 0600 file.
absl::StatusOr<std::string> PrivateKeyToPem(EVP_PKEY* key);
absl::StatusOr<EvpPkeyPtr> PrivateKeyFromPem(const std::string& pem);

// Accepts the key types certificates may carry: EC P-256/P-384, RSA of 2048 bits or more.
// InvalidArgument naming the type otherwise.
absl::Status CheckPublicKeyStrength(EVP_PKEY* key);

}  // namespace dm

#endif  // DM_COMMON_TLS_KEY_H_
