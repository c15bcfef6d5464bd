#include "common/tls/certificate_authority.h"

#include <openssl/bn.h>
#include <openssl/x509v3.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/random.h"
#include "common/status_macros.h"
#include "common/tls/key.h"

namespace dm {
namespace {

absl::Status SetSerial(X509* cert) {
  std::string bytes = RandomBytes(16);
  bytes[0] &= 0x7f;  // serials are positive integers
  BIGNUM* bn = BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()),
                         static_cast<int>(bytes.size()), nullptr);
  bool ok = bn != nullptr && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert)) != nullptr;
  BN_free(bn);
  return ok ? absl::OkStatus() : OpenSslError("set certificate serial");
}

absl::Status SetValidity(X509* cert, absl::Time not_before, absl::Duration validity) {
  // Five minutes of slack on the start absorbs clock skew between controller and hosts.
  time_t start = absl::ToTimeT(not_before - absl::Minutes(5));
  time_t end = absl::ToTimeT(not_before + validity);
  if (!ASN1_TIME_set(X509_getm_notBefore(cert), start) ||
      !ASN1_TIME_set(X509_getm_notAfter(cert), end)) {
    return OpenSslError("set certificate validity");
  }
  return absl::OkStatus();
}

absl::Status SetCommonName(X509_NAME* name, const std::string& cn) {
  if (!X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                  reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0)) {
    return OpenSslError("set common name");
  }
  return absl::OkStatus();
}

// Adds one v3 extension in OpenSSL's config syntax; `issuer` provides the authority key id.
absl::Status AddExtension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (ext == nullptr) return OpenSslError(absl::StrCat("build extension ", OBJ_nid2sn(nid)));
  int ok = X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
  return ok ? absl::OkStatus() : OpenSslError("add extension");
}

std::string SubjectAltNames(const CertificateSpec& spec) {
  std::vector<std::string> names;
  for (const auto& dns : spec.dns_names) names.push_back(absl::StrCat("DNS:", dns));
  for (const auto& ip : spec.ip_addresses) names.push_back(absl::StrCat("IP:", ip));
  return absl::StrJoin(names, ",");
}

}  // namespace

absl::StatusOr<CertificateAuthority> CertificateAuthority::Create(const std::string& common_name,
                                                                  absl::Time now) {
  DM_ASSIGN_OR_RETURN(EvpPkeyPtr key, GenerateKey());
  X509Ptr cert(X509_new());
  X509_set_version(cert.get(), 2);
  DM_RETURN_IF_ERROR(SetSerial(cert.get()));
  DM_RETURN_IF_ERROR(SetValidity(cert.get(), now, absl::Hours(24 * 365 * 10)));
  DM_RETURN_IF_ERROR(SetCommonName(X509_get_subject_name(cert.get()), common_name));
  X509_set_issuer_name(cert.get(), X509_get_subject_name(cert.get()));
  X509_set_pubkey(cert.get(), key.get());
  DM_RETURN_IF_ERROR(
      AddExtension(cert.get(), cert.get(), NID_basic_constraints, "critical,CA:TRUE,pathlen:0"));
  DM_RETURN_IF_ERROR(
      AddExtension(cert.get(), cert.get(), NID_key_usage, "critical,keyCertSign,cRLSign"));
  DM_RETURN_IF_ERROR(AddExtension(cert.get(), cert.get(), NID_subject_key_identifier, "hash"));
  if (!X509_sign(cert.get(), key.get(), EVP_sha256())) return OpenSslError("self-sign CA");
  return CertificateAuthority(Certificate::Adopt(std::move(cert)),
                              std::shared_ptr<EVP_PKEY>(key.release(), EVP_PKEY_free));
}

absl::StatusOr<CertificateAuthority> CertificateAuthority::Load(const std::string& cert_pem,
                                                                const std::string& key_pem) {
  DM_ASSIGN_OR_RETURN(Certificate cert, Certificate::FromPem(cert_pem));
  DM_ASSIGN_OR_RETURN(EvpPkeyPtr key, PrivateKeyFromPem(key_pem));
  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    return OpenSslError("CA key does not match the CA certificate",
                        absl::StatusCode::kInvalidArgument);
  }
  if (X509_check_ca(cert.get()) == 0) {
    return absl::InvalidArgumentError("certificate is not a CA certificate");
  }
  return CertificateAuthority(std::move(cert),
                              std::shared_ptr<EVP_PKEY>(key.release(), EVP_PKEY_free));
}

absl::StatusOr<Certificate> CertificateAuthority::Issue(EVP_PKEY* public_key,
                                                        const CertificateSpec& spec) const {
  X509Ptr cert(X509_new());
  X509_set_version(cert.get(), 2);
  DM_RETURN_IF_ERROR(SetSerial(cert.get()));
  DM_RETURN_IF_ERROR(SetValidity(cert.get(), spec.not_before, spec.validity));
  DM_RETURN_IF_ERROR(SetCommonName(X509_get_subject_name(cert.get()), spec.common_name));
  X509_set_issuer_name(cert.get(), X509_get_subject_name(cert_.get()));
  if (!X509_set_pubkey(cert.get(), public_key)) return OpenSslError("set public key");

  X509* self = cert.get();
  X509* issuer = cert_.get();
  DM_RETURN_IF_ERROR(AddExtension(self, issuer, NID_basic_constraints, "critical,CA:FALSE"));
  DM_RETURN_IF_ERROR(
      AddExtension(self, issuer, NID_key_usage, "critical,digitalSignature,keyEncipherment"));
  DM_RETURN_IF_ERROR(
      AddExtension(self, issuer, NID_ext_key_usage,
                   spec.kind == CertificateKind::kServer ? "serverAuth" : "clientAuth"));
  DM_RETURN_IF_ERROR(AddExtension(self, issuer, NID_subject_key_identifier, "hash"));
  DM_RETURN_IF_ERROR(AddExtension(self, issuer, NID_authority_key_identifier, "keyid:always"));
  std::string sans = SubjectAltNames(spec);
  if (!sans.empty()) DM_RETURN_IF_ERROR(AddExtension(self, issuer, NID_subject_alt_name, sans));

  if (!X509_sign(self, key_.get(), EVP_sha256())) return OpenSslError("sign certificate");
  return Certificate::Adopt(std::move(cert));
}

absl::StatusOr<std::string> CertificateAuthority::KeyPem() const {
  return PrivateKeyToPem(key_.get());
}

}  // namespace dm
