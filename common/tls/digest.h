// SHA-256 digests as lowercase hex, for fingerprints and token hashes.
#ifndef DM_COMMON_TLS_DIGEST_H_
#define DM_COMMON_TLS_DIGEST_H_

#include <string>

namespace dm {

std::string Sha256Hex(const std::string& data);
std::string HexEncode(const std::string& bytes);

}  // namespace dm

#endif  // DM_COMMON_TLS_DIGEST_H_
