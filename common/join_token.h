// The join token an operator hands to a new agent, like a kubeadm or k3s join token:
//
//   DM1.<sha256 of the controller CA certificate, 64 hex>.<token id>.<secret>
//
// The CA fingerprint lets the agent authenticate the controller before sending anything; the id
// names the token (safe to log and show); the secret authenticates the agent and is stored by the
// controller only as a hash.
#ifndef DM_COMMON_JOIN_TOKEN_H_
#define DM_COMMON_JOIN_TOKEN_H_

#include <string>

#include "absl/status/statusor.h"

namespace dm {

struct JoinToken {
  std::string ca_fingerprint;  // lowercase hex SHA-256 of the CA certificate's DER encoding
  std::string id;
  std::string secret;

  static constexpr size_t kIdLength = 8;
  static constexpr size_t kSecretLength = 32;

  // A new id and secret for the CA with `ca_fingerprint`.
  static JoinToken Generate(const std::string& ca_fingerprint);

  // InvalidArgument naming what is wrong; the message never contains the secret.
  static absl::StatusOr<JoinToken> Parse(const std::string& text);

  std::string ToString() const;
};

// Lowercase hex SHA-256 of a token secret: what the controller stores and compares.
std::string HashTokenSecret(const std::string& secret);

// Compares two strings in time independent of where they differ.
bool ConstantTimeEquals(const std::string& a, const std::string& b);

}  // namespace dm

#endif  // DM_COMMON_JOIN_TOKEN_H_
