// Host keys the controller makes for servers of clouds that cannot report one: the key goes to
// the server through its user data (cloud-init), so bootstrap knows the key before it first
// connects and never trusts whatever key answers.
#ifndef DM_BOOTSTRAP_HOST_KEY_H_
#define DM_BOOTSTRAP_HOST_KEY_H_

#include <string>

#include "absl/status/statusor.h"

namespace dm {

struct HostKeyPair {
  std::string private_openssh;  // "-----BEGIN OPENSSH PRIVATE KEY-----\n..." (secret)
  std::string public_line;      // "ssh-ed25519 AAAA..."
  std::string fingerprint;      // "SHA256:..." as ssh-keygen -l prints it
};

// A new ed25519 pair.
absl::StatusOr<HostKeyPair> GenerateHostKey();
// The pair of a private key made by GenerateHostKey (kept while the server boots).
absl::StatusOr<HostKeyPair> HostKeyFromPrivate(const std::string& private_openssh);
// "SHA256:..." of a public key line.
absl::StatusOr<std::string> HostKeyFingerprint(const std::string& public_line);

}  // namespace dm

#endif  // DM_BOOTSTRAP_HOST_KEY_H_
