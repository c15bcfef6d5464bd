// The controller's own certificate authority: it signs the controller's server certificate, the
// operator's admin certificates and every enrolled agent's certificate. Agents and dmctl trust
// only this CA; the controller trusts client certificates only from it.
//
// Thread-safe after construction (signing uses only const state).
#ifndef DM_COMMON_TLS_CERTIFICATE_AUTHORITY_H_
#define DM_COMMON_TLS_CERTIFICATE_AUTHORITY_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/tls/certificate.h"
#include "common/tls/openssl_types.h"

namespace dm {

// What a certificate is for. Each kind gets its own key usages, so that a client certificate
// cannot serve TLS and the server certificate cannot act as a client.
enum class CertificateKind { kServer, kClient };

struct CertificateSpec {
  CertificateKind kind = CertificateKind::kClient;
  std::string common_name;
  std::vector<std::string> dns_names;     // subjectAltName DNS entries (server certificates)
  std::vector<std::string> ip_addresses;  // subjectAltName IP entries (server certificates)
  absl::Time not_before;
  absl::Duration validity = absl::Hours(24 * 365);
};

class CertificateAuthority {
 public:
  // A new self-signed CA with a fresh P-256 key, valid from `now` for ten years.
  static absl::StatusOr<CertificateAuthority> Create(const std::string& common_name,
                                                     absl::Time now);
  // An existing CA. InvalidArgument if the key does not belong to the certificate or the
  // certificate is not a CA.
  static absl::StatusOr<CertificateAuthority> Load(const std::string& cert_pem,
                                                   const std::string& key_pem);

  // Signs `public_key` into a certificate described by `spec`, with a random 128-bit serial.
  absl::StatusOr<Certificate> Issue(EVP_PKEY* public_key, const CertificateSpec& spec) const;

  const Certificate& certificate() const { return cert_; }
  absl::StatusOr<std::string> KeyPem() const;

 private:
  CertificateAuthority(Certificate cert, std::shared_ptr<EVP_PKEY> key)
      : cert_(std::move(cert)), key_(std::move(key)) {}

  Certificate cert_;
  std::shared_ptr<EVP_PKEY> key_;
};

}  // namespace dm

#endif  // DM_COMMON_TLS_CERTIFICATE_AUTHORITY_H_
