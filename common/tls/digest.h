// Digests as lowercase hex, for fingerprints, token hashes and the integrity and signatures of
// object storage APIs (MD5 only where an API asks for it, as Swift's ETag and S3's Content-MD5).
#ifndef DM_COMMON_TLS_DIGEST_H_
#define DM_COMMON_TLS_DIGEST_H_

#include <string>

namespace dm {

std::string Sha256Hex(const std::string& data);
std::string Md5Hex(const std::string& data);
// MD5 as Base64, as S3's Content-MD5 header wants it.
std::string Md5Base64(const std::string& data);
// HMAC-SHA256 of `data` under `key`, as raw bytes (AWS Signature Version 4 chains them).
std::string HmacSha256(const std::string& key, const std::string& data);
std::string HexEncode(const std::string& bytes);

}  // namespace dm

#endif  // DM_COMMON_TLS_DIGEST_H_
