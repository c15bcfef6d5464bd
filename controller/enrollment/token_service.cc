#include "controller/enrollment/token_service.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/status_macros.h"

namespace dm {

bool IsValidRoleName(const std::string& role) {
  if (role.size() > 63) return false;
  for (unsigned char c : role) {
    if (!absl::ascii_islower(c) && !absl::ascii_isdigit(c) && c != '-') return false;
  }
  return true;
}

absl::StatusOr<NewToken> TokenService::Create(const TokenOptions& options) {
  if (options.ttl <= absl::ZeroDuration() || options.ttl > kMaxTtl) {
    return absl::InvalidArgumentError(
        absl::StrCat("token ttl must be more than 0 and at most ", absl::FormatDuration(kMaxTtl)));
  }
  if (options.uses < 1 || options.uses > kMaxUses) {
    return absl::InvalidArgumentError(absl::StrCat("token uses must be from 1 to ", kMaxUses));
  }
  if (!IsValidRoleName(options.role)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "role '", options.role, "' is not a valid role name (lowercase letters, digits and '-')"));
  }
  absl::Time now = clock_->Now();
  NewToken out{JoinToken::Generate(ca_fingerprint_), {}};
  out.record.id = out.token.id;
  out.record.secret_hash = HashTokenSecret(out.token.secret);
  out.record.role = options.role;
  out.record.description = options.description;
  out.record.uses_allowed = options.uses;
  out.record.created = now;
  out.record.expires = now + options.ttl;
  DM_RETURN_IF_ERROR(store_->InsertToken(out.record));
  return out;
}

absl::StatusOr<TokenRecord> TokenService::CheckUsable(const std::string& id,
                                                      const std::string& secret) const {
  const absl::Status invalid = absl::UnauthenticatedError(
      "join token is not valid: no such token, or a wrong secret (check that it was copied whole)");
  absl::StatusOr<TokenRecord> token = store_->GetToken(id);
  if (absl::IsNotFound(token.status())) return invalid;
  DM_RETURN_IF_ERROR(token.status());
  if (!ConstantTimeEquals(token->secret_hash, HashTokenSecret(secret))) return invalid;

  absl::Time now = clock_->Now();
  if (token->is_revoked()) {
    return absl::PermissionDeniedError(
        absl::StrCat("join token ", id, " was revoked at ",
                     absl::FormatTime(absl::RFC3339_sec, token->revoked, absl::UTCTimeZone())));
  }
  if (now >= token->expires) {
    return absl::PermissionDeniedError(
        absl::StrCat("join token ", id, " expired at ",
                     absl::FormatTime(absl::RFC3339_sec, token->expires, absl::UTCTimeZone()),
                     "; create a new one with 'dmctl token create'"));
  }
  if (token->uses_left() == 0) {
    return absl::PermissionDeniedError(absl::StrCat("join token ", id, " is used up (", token->uses,
                                                    " of ", token->uses_allowed, " uses)"));
  }
  return token;
}

absl::StatusOr<TokenRecord> TokenService::Revoke(const std::string& id) {
  DM_RETURN_IF_ERROR(store_->RevokeToken(id, clock_->Now()));
  return store_->GetToken(id);
}

absl::StatusOr<std::vector<TokenRecord>> TokenService::List() const { return store_->ListTokens(); }

}  // namespace dm
