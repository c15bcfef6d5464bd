#include "common/join_token.h"

#include <openssl/crypto.h>

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/random.h"
#include "common/tls/digest.h"

namespace dm {
namespace {

constexpr char kPrefix[] = "DM1";

bool AllOf(const std::string& s, bool (*pred)(unsigned char)) {
  for (unsigned char c : s) {
    if (!pred(c)) return false;
  }
  return !s.empty();
}

bool IsLowerHex(unsigned char c) { return absl::ascii_isdigit(c) || (c >= 'a' && c <= 'f'); }
bool IsLowerAlnum(unsigned char c) { return absl::ascii_isdigit(c) || absl::ascii_islower(c); }

}  // namespace

JoinToken JoinToken::Generate(const std::string& ca_fingerprint) {
  return JoinToken{ca_fingerprint, RandomToken(kIdLength), RandomToken(kSecretLength)};
}

absl::StatusOr<JoinToken> JoinToken::Parse(const std::string& text) {
  std::string trimmed(absl::StripAsciiWhitespace(text));
  std::vector<std::string> parts = absl::StrSplit(trimmed, '.');
  constexpr char kShape[] =
      "expected DM1.<ca-sha256>.<id>.<secret> as printed by 'dmctl token create'";
  if (parts.size() != 4 || parts[0] != kPrefix) {
    return absl::InvalidArgumentError(absl::StrCat("join token is malformed: ", kShape));
  }
  if (parts[1].size() != 64 || !AllOf(parts[1], IsLowerHex)) {
    return absl::InvalidArgumentError(
        absl::StrCat("join token is malformed: the CA fingerprint is not 64 hex digits; ", kShape));
  }
  if (parts[2].size() != kIdLength || !AllOf(parts[2], IsLowerAlnum)) {
    return absl::InvalidArgumentError(absl::StrCat("join token is malformed: the token id is not ",
                                                   kIdLength, " letters and digits; ", kShape));
  }
  if (parts[3].size() != kSecretLength || !AllOf(parts[3], IsLowerAlnum)) {
    return absl::InvalidArgumentError(absl::StrCat("join token ", parts[2],
                                                   " is malformed: its secret is not ",
                                                   kSecretLength, " letters and digits; ", kShape));
  }
  return JoinToken{parts[1], parts[2], parts[3]};
}

std::string JoinToken::ToString() const {
  return absl::StrCat(kPrefix, ".", ca_fingerprint, ".", id, ".", secret);
}

std::string HashTokenSecret(const std::string& secret) { return Sha256Hex(secret); }

bool ConstantTimeEquals(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace dm
