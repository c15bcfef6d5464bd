#include "common/tls/certificate.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <ctime>

#include "common/tls/digest.h"

namespace dm {
namespace {

absl::Time Asn1TimeToAbsl(const ASN1_TIME* t) {
  struct tm tm = {};
  if (!ASN1_TIME_to_tm(t, &tm)) return absl::InfinitePast();
  return absl::FromTimeT(timegm(&tm));
}

}  // namespace

Certificate Certificate::Adopt(X509Ptr cert) {
  return Certificate(std::shared_ptr<X509>(cert.release(), X509_free));
}

absl::StatusOr<Certificate> Certificate::FromPem(const std::string& pem) {
  BioPtr bio = MemoryBio(pem);
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert) return OpenSslError("parse certificate", absl::StatusCode::kInvalidArgument);
  return Adopt(std::move(cert));
}

absl::StatusOr<std::vector<Certificate>> Certificate::ChainFromPem(const std::string& pem) {
  BioPtr bio = MemoryBio(pem);
  std::vector<Certificate> chain;
  while (X509* raw = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
    chain.push_back(Adopt(X509Ptr(raw)));
  }
  ERR_clear_error();  // the read that ends the loop queues "no start line"
  if (chain.empty()) return absl::InvalidArgumentError("no certificate in PEM data");
  return chain;
}

std::string Certificate::ToPem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(bio.get(), cert_.get());
  return BioContents(bio.get());
}

std::string Certificate::Fingerprint() const {
  unsigned char* der = nullptr;
  int len = i2d_X509(cert_.get(), &der);
  if (len <= 0) return "";
  std::string bytes(reinterpret_cast<char*>(der), static_cast<size_t>(len));
  OPENSSL_free(der);
  return Sha256Hex(bytes);
}

std::string Certificate::SerialHex() const {
  const ASN1_INTEGER* serial = X509_get0_serialNumber(cert_.get());
  BIGNUM* bn = ASN1_INTEGER_to_BN(serial, nullptr);
  char* hex = BN_bn2hex(bn);
  std::string out(hex);
  OPENSSL_free(hex);
  BN_free(bn);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string Certificate::CommonName() const {
  X509_NAME* name = X509_get_subject_name(cert_.get());
  int idx = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
  if (idx < 0) return "";
  ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, idx));
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(data)),
                     static_cast<size_t>(ASN1_STRING_length(data)));
}

absl::Time Certificate::NotBefore() const {
  return Asn1TimeToAbsl(X509_get0_notBefore(cert_.get()));
}
absl::Time Certificate::NotAfter() const { return Asn1TimeToAbsl(X509_get0_notAfter(cert_.get())); }

bool Certificate::IsSelfSigned() const { return IsIssuedBy(*this); }

bool Certificate::IsIssuedBy(const Certificate& issuer) const {
  if (X509_check_issued(issuer.get(), cert_.get()) != X509_V_OK) return false;
  EVP_PKEY* key = X509_get0_pubkey(issuer.get());
  bool ok = key != nullptr && X509_verify(cert_.get(), key) == 1;
  ERR_clear_error();
  return ok;
}

}  // namespace dm
