#include "common/tls/key.h"

#include <openssl/ec.h>
#include <openssl/pem.h>

#include "absl/strings/str_cat.h"

namespace dm {

absl::StatusOr<EvpPkeyPtr> GenerateKey() {
  EvpPkeyPtr key(EVP_EC_gen("P-256"));
  if (!key) return OpenSslError("generate P-256 key");
  return key;
}

absl::StatusOr<std::string> PrivateKeyToPem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr)) {
    return OpenSslError("encode private key");
  }
  return BioContents(bio.get());
}

absl::StatusOr<EvpPkeyPtr> PrivateKeyFromPem(const std::string& pem) {
  BioPtr bio = MemoryBio(pem);
  EvpPkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!key) return OpenSslError("parse private key", absl::StatusCode::kInvalidArgument);
  return key;
}

absl::Status CheckPublicKeyStrength(EVP_PKEY* key) {
  switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_EC: {
      char group[64] = {0};
      size_t len = 0;
      if (!EVP_PKEY_get_group_name(key, group, sizeof(group), &len)) {
        return OpenSslError("read EC key group", absl::StatusCode::kInvalidArgument);
      }
      std::string name(group, len);
      if (name == "prime256v1" || name == "P-256" || name == "secp384r1" || name == "P-384") {
        return absl::OkStatus();
      }
      return absl::InvalidArgumentError(
          absl::StrCat("EC key on curve ", name, " is not accepted (use P-256 or P-384)"));
    }
    case EVP_PKEY_RSA:
      // Past 8192 bits a key only makes every signature check cost more (a sender's choice).
      if (EVP_PKEY_get_bits(key) > 8192) {
        return absl::InvalidArgumentError(absl::StrCat("RSA key of ", EVP_PKEY_get_bits(key),
                                                       " bits is larger than accepted (8192)"));
      }
      if (EVP_PKEY_get_bits(key) >= 2048) return absl::OkStatus();
      return absl::InvalidArgumentError(
          absl::StrCat("RSA key of ", EVP_PKEY_get_bits(key), " bits is too weak (need 2048)"));
    default:
      return absl::InvalidArgumentError("key type is not accepted (use EC P-256 or RSA 2048+)");
  }
}

}  // namespace dm
