// Any bytes as a join token (dm-agent --token, the enrollment request): a token whose text
// reads back as the same token, or a refusal, never a crash.
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/join_token.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<dm::JoinToken> token = dm::JoinToken::Parse(text);
  if (!token.ok()) return 0;
  absl::StatusOr<dm::JoinToken> again = dm::JoinToken::Parse(token->ToString());
  if (!again.ok() || again->id != token->id || again->secret != token->secret ||
      again->ca_fingerprint != token->ca_fingerprint) {
    __builtin_trap();
  }
  return 0;
}
