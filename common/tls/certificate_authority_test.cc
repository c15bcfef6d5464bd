#include "common/tls/certificate_authority.h"

#include <gtest/gtest.h>

#include "common/tls/key.h"

namespace dm {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1'750'000'000);

TEST(CertificateAuthorityTest, CreatesASelfSignedCaThatSurvivesAReload) {
  auto ca = CertificateAuthority::Create("dm test CA", kNow);
  ASSERT_TRUE(ca.ok()) << ca.status();
  EXPECT_TRUE(ca->certificate().IsSelfSigned());
  EXPECT_EQ(ca->certificate().CommonName(), "dm test CA");
  EXPECT_EQ(ca->certificate().Fingerprint().size(), 64u);

  auto key_pem = ca->KeyPem();
  ASSERT_TRUE(key_pem.ok());
  auto reloaded = CertificateAuthority::Load(ca->certificate().ToPem(), *key_pem);
  ASSERT_TRUE(reloaded.ok()) << reloaded.status();
  EXPECT_EQ(reloaded->certificate().Fingerprint(), ca->certificate().Fingerprint());
}

TEST(CertificateAuthorityTest, LoadRefusesAKeyThatIsNotTheCas) {
  auto ca = CertificateAuthority::Create("ca", kNow);
  auto other = GenerateKey();
  ASSERT_TRUE(ca.ok() && other.ok());
  auto loaded =
      CertificateAuthority::Load(ca->certificate().ToPem(), *PrivateKeyToPem(other->get()));
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(CertificateAuthorityTest, LoadRefusesALeafCertificate) {
  auto ca = CertificateAuthority::Create("ca", kNow);
  auto key = GenerateKey();
  ASSERT_TRUE(ca.ok() && key.ok());
  CertificateSpec spec;
  spec.common_name = "agent/x";
  spec.not_before = kNow;
  auto leaf = ca->Issue(key->get(), spec);
  ASSERT_TRUE(leaf.ok());
  auto loaded = CertificateAuthority::Load(leaf->ToPem(), *PrivateKeyToPem(key->get()));
  EXPECT_FALSE(loaded.ok());
}

TEST(CertificateAuthorityTest, IssuesLeavesThatChainOnlyToTheIssuingCa) {
  auto ca = CertificateAuthority::Create("ca", kNow);
  auto other_ca = CertificateAuthority::Create("other", kNow);
  auto key = GenerateKey();
  ASSERT_TRUE(ca.ok() && other_ca.ok() && key.ok());

  CertificateSpec spec;
  spec.kind = CertificateKind::kServer;
  spec.common_name = "dm-controller";
  spec.dns_names = {"dm-controller", "localhost"};
  spec.ip_addresses = {"127.0.0.1"};
  spec.not_before = kNow;
  spec.validity = absl::Hours(24);
  auto cert = ca->Issue(key->get(), spec);
  ASSERT_TRUE(cert.ok()) << cert.status();

  EXPECT_EQ(cert->CommonName(), "dm-controller");
  EXPECT_TRUE(cert->IsIssuedBy(ca->certificate()));
  EXPECT_FALSE(cert->IsIssuedBy(other_ca->certificate()));
  EXPECT_FALSE(cert->IsSelfSigned());
  EXPECT_EQ(cert->NotAfter(), kNow + absl::Hours(24));
  EXPECT_LT(cert->NotBefore(), kNow);  // slack for clock skew
}

TEST(CertificateAuthorityTest, SerialsAreRandomAndPositive) {
  auto ca = CertificateAuthority::Create("ca", kNow);
  auto key = GenerateKey();
  ASSERT_TRUE(ca.ok() && key.ok());
  CertificateSpec spec;
  spec.common_name = "agent/a";
  spec.not_before = kNow;
  auto a = ca->Issue(key->get(), spec);
  auto b = ca->Issue(key->get(), spec);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->SerialHex(), b->SerialHex());
  EXPECT_NE(a->SerialHex()[0], '-');
}

TEST(CertificateAuthorityTest, ChainFromPemReadsEveryCertificateInOrder) {
  auto ca = CertificateAuthority::Create("ca", kNow);
  auto key = GenerateKey();
  ASSERT_TRUE(ca.ok() && key.ok());
  CertificateSpec spec;
  spec.common_name = "leaf";
  spec.not_before = kNow;
  auto leaf = ca->Issue(key->get(), spec);
  auto chain = Certificate::ChainFromPem(leaf->ToPem() + ca->certificate().ToPem());
  ASSERT_TRUE(chain.ok());
  ASSERT_EQ(chain->size(), 2u);
  EXPECT_EQ((*chain)[0].CommonName(), "leaf");
  EXPECT_EQ((*chain)[1].Fingerprint(), ca->certificate().Fingerprint());
  EXPECT_FALSE(Certificate::ChainFromPem("not a certificate").ok());
}

}  // namespace
}  // namespace dm
