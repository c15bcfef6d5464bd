// An X.509 certificate, parsed once, with the few properties DeployMachine reads from it.
// Immutable after construction; safe to share between threads for reading.
#ifndef DM_COMMON_TLS_CERTIFICATE_H_
#define DM_COMMON_TLS_CERTIFICATE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/tls/openssl_types.h"

namespace dm {

class Certificate {
 public:
  // InvalidArgument if `pem` holds no certificate.
  static absl::StatusOr<Certificate> FromPem(const std::string& pem);
  // Every certificate in a PEM bundle, in order. InvalidArgument if there is none.
  static absl::StatusOr<std::vector<Certificate>> ChainFromPem(const std::string& pem);
  // Takes ownership of `cert`, which must not be null.
  static Certificate Adopt(X509Ptr cert);

  std::string ToPem() const;
  // Lowercase hex SHA-256 of the DER encoding: what join tokens pin.
  std::string Fingerprint() const;
  std::string SerialHex() const;
  std::string CommonName() const;
  absl::Time NotBefore() const;
  absl::Time NotAfter() const;
  bool IsSelfSigned() const;
  // True if `issuer`'s key signed this certificate and `issuer` is its named issuer.
  bool IsIssuedBy(const Certificate& issuer) const;

  X509* get() const { return cert_.get(); }

 private:
  explicit Certificate(std::shared_ptr<X509> cert) : cert_(std::move(cert)) {}
  std::shared_ptr<X509> cert_;
};

}  // namespace dm

#endif  // DM_COMMON_TLS_CERTIFICATE_H_
