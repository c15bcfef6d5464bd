// Any bytes as the PEM the controller reads: a certificate chain (an agent's, a CA's), and a
// certificate request at enrollment, which the controller's CA signs when it verifies. Every
// property the controller reads is read; nothing crashes, leaks or takes long.
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/tls/certificate.h"
#include "common/tls/certificate_authority.h"
#include "common/tls/csr.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const dm::CertificateAuthority* ca = [] {
    auto created = dm::CertificateAuthority::Create("fuzz CA", absl::Now());
    if (!created.ok()) __builtin_trap();
    return new dm::CertificateAuthority(std::move(*created));
  }();
  const std::string pem(reinterpret_cast<const char*>(data), size);
  if (auto chain = dm::Certificate::ChainFromPem(pem); chain.ok()) {
    for (const dm::Certificate& cert : *chain) {
      (void)cert.Fingerprint();
      (void)cert.SerialHex();
      (void)cert.CommonName();
      (void)cert.NotBefore();
      (void)cert.NotAfter();
      (void)cert.ToPem();
    }
  }
  if (auto key = dm::VerifiedCsrPublicKey(pem); key.ok()) {
    dm::CertificateSpec spec;
    spec.common_name = "agent/fuzz";
    spec.not_before = absl::Now();
    if (!ca->Issue(key->get(), spec).ok()) __builtin_trap();  // a verified request is signed
  }
  return 0;
}
