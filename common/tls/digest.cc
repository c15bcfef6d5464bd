#include "common/tls/digest.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

namespace dm {

std::string HexEncode(const std::string& bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 0xf]);
  }
  return out;
}

std::string Sha256Hex(const std::string& data) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), md);
  return HexEncode(std::string(reinterpret_cast<char*>(md), sizeof(md)));
}

namespace {

std::string Md5(const std::string& data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(data.data(), data.size(), md, &size, EVP_md5(), nullptr);
  return std::string(reinterpret_cast<char*>(md), size);
}

}  // namespace

std::string Md5Hex(const std::string& data) { return HexEncode(Md5(data)); }

std::string Md5Base64(const std::string& data) {
  std::string raw = Md5(data);
  unsigned char out[64];
  int size = EVP_EncodeBlock(out, reinterpret_cast<const unsigned char*>(raw.data()),
                             static_cast<int>(raw.size()));
  return std::string(reinterpret_cast<char*>(out), size);
}

std::string HmacSha256(const std::string& key, const std::string& data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), md, &size);
  return std::string(reinterpret_cast<char*>(md), size);
}

}  // namespace dm
