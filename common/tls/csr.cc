#include "common/tls/csr.h"

#include <openssl/pem.h>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "common/tls/key.h"

namespace dm {

absl::StatusOr<std::string> CreateCsr(EVP_PKEY* key, const std::string& common_name) {
  X509ReqPtr req(X509_REQ_new());
  X509_NAME* name = X509_REQ_get_subject_name(req.get());
  if (!X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                  reinterpret_cast<const unsigned char*>(common_name.c_str()), -1,
                                  -1, 0) ||
      !X509_REQ_set_pubkey(req.get(), key) || !X509_REQ_sign(req.get(), key, EVP_sha256())) {
    return OpenSslError("create certificate request");
  }
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509_REQ(bio.get(), req.get());
  return BioContents(bio.get());
}

absl::StatusOr<EvpPkeyPtr> VerifiedCsrPublicKey(const std::string& pem) {
  // A request is a few hundred bytes; what is sent before enrollment is authorized stays small.
  if (pem.size() > kMaxCsrPemBytes) {
    return absl::InvalidArgumentError(absl::StrCat("certificate request of ", pem.size(),
                                                   " bytes is larger than accepted (",
                                                   kMaxCsrPemBytes, ")"));
  }
  BioPtr bio = MemoryBio(pem);
  X509ReqPtr req(PEM_read_bio_X509_REQ(bio.get(), nullptr, nullptr, nullptr));
  if (!req) return OpenSslError("parse certificate request", absl::StatusCode::kInvalidArgument);
  EvpPkeyPtr key(X509_REQ_get_pubkey(req.get()));
  if (!key)
    return OpenSslError("certificate request has no public key",
                        absl::StatusCode::kInvalidArgument);
  // The key's kind and size first: verifying with a key of any size could take any time.
  DM_RETURN_IF_ERROR(CheckPublicKeyStrength(key.get()));
  if (X509_REQ_verify(req.get(), key.get()) != 1) {
    return OpenSslError("certificate request signature does not verify",
                        absl::StatusCode::kInvalidArgument);
  }
  return key;
}

}  // namespace dm
