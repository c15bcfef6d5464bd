#include "common/join_token.h"

#include <gtest/gtest.h>

#include <set>

namespace dm {
namespace {

const std::string kFingerprint(64, 'a');

TEST(JoinTokenTest, RoundTripsThroughText) {
  JoinToken token = JoinToken::Generate(kFingerprint);
  auto parsed = JoinToken::Parse(token.ToString());
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->ca_fingerprint, kFingerprint);
  EXPECT_EQ(parsed->id, token.id);
  EXPECT_EQ(parsed->secret, token.secret);
}

TEST(JoinTokenTest, ToleratesSurroundingWhitespaceFromCopyPaste) {
  JoinToken token = JoinToken::Generate(kFingerprint);
  EXPECT_TRUE(JoinToken::Parse("  " + token.ToString() + "\n").ok());
}

TEST(JoinTokenTest, GeneratesDistinctSecrets) {
  std::set<std::string> secrets;
  for (int i = 0; i < 100; ++i) secrets.insert(JoinToken::Generate(kFingerprint).secret);
  EXPECT_EQ(secrets.size(), 100u);
}

TEST(JoinTokenTest, RejectsMalformedTokensWithoutEchoingTheSecret) {
  JoinToken good = JoinToken::Generate(kFingerprint);
  const std::string secret = good.secret;
  std::vector<std::string> bad = {
      "",
      "DM2." + kFingerprint + "." + good.id + "." + secret,          // wrong version
      "DM1." + kFingerprint + "." + good.id,                         // no secret
      "DM1." + std::string(63, 'a') + "." + good.id + "." + secret,  // short fingerprint
      "DM1." + std::string(64, 'G') + "." + good.id + "." + secret,  // not hex
      "DM1." + kFingerprint + ".ABC." + secret,                      // bad id
      "DM1." + kFingerprint + "." + good.id + "." + secret + "x",    // long secret
  };
  for (const auto& text : bad) {
    auto parsed = JoinToken::Parse(text);
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(parsed.status().message().find(secret), std::string::npos) << parsed.status();
  }
}

TEST(JoinTokenTest, HashIsStableHexAndDiffersFromSecret) {
  EXPECT_EQ(HashTokenSecret("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_TRUE(ConstantTimeEquals(HashTokenSecret("x"), HashTokenSecret("x")));
  EXPECT_FALSE(ConstantTimeEquals(HashTokenSecret("x"), HashTokenSecret("y")));
  EXPECT_FALSE(ConstantTimeEquals("ab", "abc"));
}

}  // namespace
}  // namespace dm
