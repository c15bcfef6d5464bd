#include "bootstrap/host_key.h"

#include <libssh/libssh.h>

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace dm {
namespace {

// Frees a libssh key at scope's end.
struct KeyHolder {
  ssh_key key = nullptr;
  ~KeyHolder() {
    if (key != nullptr) ssh_key_free(key);
  }
};

absl::StatusOr<std::string> Fingerprint(ssh_key key) {
  unsigned char* hash = nullptr;
  size_t length = 0;
  if (ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash, &length) != 0)
    return absl::InternalError("cannot hash the host key");
  char* text = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, length);
  ssh_clean_pubkey_hash(&hash);
  if (text == nullptr) return absl::InternalError("cannot print the host key's fingerprint");
  std::string fingerprint = text;
  ssh_string_free_char(text);
  return fingerprint;
}

absl::StatusOr<HostKeyPair> PairOf(ssh_key key) {
  HostKeyPair pair;
  char* b64 = nullptr;
  if (ssh_pki_export_privkey_base64(key, nullptr, nullptr, nullptr, &b64) != SSH_OK)
    return absl::InternalError("cannot write the host key");
  pair.private_openssh = b64;
  ssh_string_free_char(b64);
  if (ssh_pki_export_pubkey_base64(key, &b64) != SSH_OK)
    return absl::InternalError("cannot write the host key's public half");
  pair.public_line = absl::StrCat(ssh_key_type_to_char(ssh_key_type(key)), " ", b64);
  ssh_string_free_char(b64);
  absl::StatusOr<std::string> fingerprint = Fingerprint(key);
  if (!fingerprint.ok()) return fingerprint.status();
  pair.fingerprint = *fingerprint;
  return pair;
}

}  // namespace

absl::StatusOr<HostKeyPair> GenerateHostKey() {
  KeyHolder k;
  if (ssh_pki_generate(SSH_KEYTYPE_ED25519, 0, &k.key) != SSH_OK)
    return absl::InternalError("cannot generate a host key");
  return PairOf(k.key);
}

absl::StatusOr<HostKeyPair> HostKeyFromPrivate(const std::string& private_openssh) {
  KeyHolder k;
  if (ssh_pki_import_privkey_base64(private_openssh.c_str(), nullptr, nullptr, nullptr, &k.key) !=
      SSH_OK)
    return absl::DataLossError("a kept host key that is not an OpenSSH private key");
  return PairOf(k.key);
}

absl::StatusOr<std::string> HostKeyFingerprint(const std::string& public_line) {
  std::vector<std::string> words = absl::StrSplit(public_line, ' ', absl::SkipEmpty());
  if (words.size() < 2) return absl::InvalidArgumentError("not a public key line");
  KeyHolder k;
  if (ssh_pki_import_pubkey_base64(words[1].c_str(), ssh_key_type_from_name(words[0].c_str()),
                                   &k.key) != SSH_OK)
    return absl::InvalidArgumentError("not a public key line");
  return Fingerprint(k.key);
}

}  // namespace dm
