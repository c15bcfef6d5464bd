// The rules of join tokens: how they are made, checked, used up and revoked. Durable state lives
// in the Store; time comes from an injected Clock.
//
// Thread-safe (all state is in the Store).
#ifndef DM_CONTROLLER_ENROLLMENT_TOKEN_SERVICE_H_
#define DM_CONTROLLER_ENROLLMENT_TOKEN_SERVICE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "common/join_token.h"
#include "controller/store/store.h"

namespace dm {

struct TokenOptions {
  absl::Duration ttl = absl::Hours(1);
  uint32_t uses = 1;
  std::string role;
  std::string description;
};

struct NewToken {
  JoinToken token;     // holds the secret: shown to the operator once, never stored or logged
  TokenRecord record;  // what was stored
};

class TokenService {
 public:
  static constexpr absl::Duration kMaxTtl = absl::Hours(24 * 365);
  static constexpr uint32_t kMaxUses = 100000;

  TokenService(Store* store, Clock* clock, std::string ca_fingerprint)
      : store_(store), clock_(clock), ca_fingerprint_(std::move(ca_fingerprint)) {}

  // InvalidArgument if the ttl is not within (0, kMaxTtl], uses not within [1, kMaxUses], or the
  // role is not a valid role name.
  absl::StatusOr<NewToken> Create(const TokenOptions& options);

  // Checks a presented id and secret and that the token may be used now. Returns the record as
  // read, to be passed to Store::CommitEnrollment. Errors:
  //   Unauthenticated    unknown id or wrong secret (one message for both: ids cannot be probed)
  //   PermissionDenied   revoked, expired or used up; the message says which and since when
  // Whether a token expired or was used up is only told to someone who knows its secret.
  absl::StatusOr<TokenRecord> CheckUsable(const std::string& id, const std::string& secret) const;

  // NotFound if there is no such token.
  absl::StatusOr<TokenRecord> Revoke(const std::string& id);
  absl::StatusOr<std::vector<TokenRecord>> List() const;

  const std::string& ca_fingerprint() const { return ca_fingerprint_; }

 private:
  Store* store_;
  Clock* clock_;
  std::string ca_fingerprint_;
};

// Role names: lowercase letters, digits and '-', 1 to 63 characters, or empty (no role).
bool IsValidRoleName(const std::string& role);

}  // namespace dm

#endif  // DM_CONTROLLER_ENROLLMENT_TOKEN_SERVICE_H_
