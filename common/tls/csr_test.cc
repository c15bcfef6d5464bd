#include "common/tls/csr.h"

#include <gtest/gtest.h>
#include <openssl/rsa.h>

#include "common/tls/key.h"

namespace dm {
namespace {

TEST(CsrTest, VerifiedCsrYieldsTheRequestersPublicKey) {
  auto key = GenerateKey();
  ASSERT_TRUE(key.ok());
  auto csr = CreateCsr(key->get(), "web-1");
  ASSERT_TRUE(csr.ok()) << csr.status();
  auto pub = VerifiedCsrPublicKey(*csr);
  ASSERT_TRUE(pub.ok()) << pub.status();
  EXPECT_EQ(EVP_PKEY_eq(pub->get(), key->get()), 1);
}

TEST(CsrTest, RefusesATamperedRequest) {
  auto key = GenerateKey();
  auto csr = CreateCsr(key->get(), "web-1");
  ASSERT_TRUE(csr.ok());
  // Flip one character inside the base64 body: the signature no longer matches.
  std::string tampered = *csr;
  size_t pos = tampered.find('\n') + 40;
  tampered[pos] = tampered[pos] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(VerifiedCsrPublicKey(tampered).ok());
}

TEST(CsrTest, RefusesGarbageAndWeakKeys) {
  EXPECT_FALSE(VerifiedCsrPublicKey("").ok());
  EXPECT_FALSE(VerifiedCsrPublicKey("-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n").ok());

  EvpPkeyPtr weak(EVP_RSA_gen(1024));
  ASSERT_TRUE(weak);
  auto csr = CreateCsr(weak.get(), "weak");
  ASSERT_TRUE(csr.ok());
  auto pub = VerifiedCsrPublicKey(*csr);
  ASSERT_FALSE(pub.ok());
  EXPECT_NE(pub.status().message().find("1024"), std::string::npos) << pub.status();
}

}  // namespace
TEST(CsrTest, AnOversizedRequestIsRefusedUnread) {
  auto key = GenerateKey();
  ASSERT_TRUE(key.ok());
  auto csr = CreateCsr(key->get(), "agent");
  ASSERT_TRUE(csr.ok());
  ASSERT_TRUE(VerifiedCsrPublicKey(*csr).ok());
  // The same valid request, with text after it that PEM would skip: refused by its size alone.
  auto padded = VerifiedCsrPublicKey(*csr + std::string(kMaxCsrPemBytes, '#'));
  ASSERT_FALSE(padded.ok());
  EXPECT_NE(padded.status().message().find("larger than accepted"), std::string::npos)
      << padded.status();
}

}  // namespace dm
