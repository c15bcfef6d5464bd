#include "controller/enrollment/token_service.h"

#include <gtest/gtest.h>

#include "controller/testing/temp_store.h"

namespace dm {
namespace {

const std::string kFingerprint(64, 'f');

class TokenServiceTest : public TempStoreTest {
 protected:
  void SetUp() override {
    TempStoreTest::SetUp();
    tokens_ = std::make_unique<TokenService>(store_.get(), &clock_, kFingerprint);
  }

  // Spends one use the way enrollment does.
  void Use(const TokenRecord& read, const std::string& name) {
    AgentRecord agent;
    agent.id = "id-" + name;
    agent.name = name;
    agent.token_id = read.id;
    ASSERT_TRUE(store_->CommitEnrollment(read, agent).ok());
  }

  FakeClock clock_;
  std::unique_ptr<TokenService> tokens_;
};

TEST_F(TokenServiceTest, CreatedTokenCarriesTheCaFingerprintAndIsStoredHashed) {
  auto created = tokens_->Create({absl::Hours(1), 1, "appnode", "for web-1"});
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->token.ca_fingerprint, kFingerprint);
  EXPECT_TRUE(JoinToken::Parse(created->token.ToString()).ok());

  TokenRecord stored = *store_->GetToken(created->token.id);
  EXPECT_NE(stored.secret_hash, created->token.secret);
  EXPECT_EQ(stored.secret_hash, HashTokenSecret(created->token.secret));
  EXPECT_EQ(stored.role, "appnode");
  EXPECT_EQ(stored.expires, clock_.Now() + absl::Hours(1));
}

TEST_F(TokenServiceTest, ValidTokenIsUsable) {
  auto created = tokens_->Create({});
  ASSERT_TRUE(created.ok());
  auto usable = tokens_->CheckUsable(created->token.id, created->token.secret);
  ASSERT_TRUE(usable.ok()) << usable.status();
  EXPECT_EQ(usable->id, created->token.id);
}

TEST_F(TokenServiceTest, WrongSecretAndUnknownIdGetTheSameAnswer) {
  auto created = tokens_->Create({});
  ASSERT_TRUE(created.ok());
  auto wrong_secret = tokens_->CheckUsable(created->token.id, std::string(32, 'x'));
  auto unknown_id = tokens_->CheckUsable("zzzzzzzz", created->token.secret);
  EXPECT_EQ(wrong_secret.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(unknown_id.status(), wrong_secret.status());
}

TEST_F(TokenServiceTest, ExpiredTokenIsRefusedFromItsExpiryOn) {
  auto created = tokens_->Create({absl::Minutes(10), 1, "", ""});
  ASSERT_TRUE(created.ok());
  clock_.Advance(absl::Minutes(10) - absl::Seconds(1));
  EXPECT_TRUE(tokens_->CheckUsable(created->token.id, created->token.secret).ok());
  clock_.Advance(absl::Seconds(1));
  auto expired = tokens_->CheckUsable(created->token.id, created->token.secret);
  EXPECT_EQ(expired.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(expired.status().message().find("expired"), std::string::npos);
}

TEST_F(TokenServiceTest, UsedUpTokenIsRefused) {
  auto created = tokens_->Create({absl::Hours(1), 2, "", ""});
  ASSERT_TRUE(created.ok());
  for (const char* name : {"a", "b"}) {
    auto usable = tokens_->CheckUsable(created->token.id, created->token.secret);
    ASSERT_TRUE(usable.ok()) << usable.status();
    Use(*usable, name);
  }
  auto used_up = tokens_->CheckUsable(created->token.id, created->token.secret);
  EXPECT_EQ(used_up.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(used_up.status().message().find("used up (2 of 2"), std::string::npos)
      << used_up.status();
}

TEST_F(TokenServiceTest, RevokedTokenIsRefused) {
  auto created = tokens_->Create({absl::Hours(1), 5, "", ""});
  ASSERT_TRUE(created.ok());
  auto revoked = tokens_->Revoke(created->token.id);
  ASSERT_TRUE(revoked.ok());
  EXPECT_TRUE(revoked->is_revoked());
  auto refused = tokens_->CheckUsable(created->token.id, created->token.secret);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(refused.status().message().find("revoked"), std::string::npos);
  EXPECT_EQ(tokens_->Revoke("nosuchid").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(TokenServiceTest, ExpiryIsOnlyToldToHoldersOfTheSecret) {
  auto created = tokens_->Create({absl::Minutes(1), 1, "", ""});
  ASSERT_TRUE(created.ok());
  clock_.Advance(absl::Hours(1));
  auto probe = tokens_->CheckUsable(created->token.id, std::string(32, 'x'));
  EXPECT_EQ(probe.status().code(), absl::StatusCode::kUnauthenticated);
}

TEST_F(TokenServiceTest, RejectsBadOptions) {
  EXPECT_EQ(tokens_->Create({absl::ZeroDuration(), 1, "", ""}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(tokens_->Create({TokenService::kMaxTtl + absl::Seconds(1), 1, "", ""}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(tokens_->Create({absl::Hours(1), 0, "", ""}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(tokens_->Create({absl::Hours(1), 1, "Bad Role", ""}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(store_->ListTokens()->empty());
}

}  // namespace
}  // namespace dm
