#include "agent/enroll/controller_probe.h"

#include <gtest/gtest.h>

#include "common/tls/certificate_authority.h"
#include "common/tls/key.h"

namespace dm {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1'750'000'000);

Certificate ServerCert(const CertificateAuthority& ca) {
  auto key = GenerateKey();
  CertificateSpec spec;
  spec.kind = CertificateKind::kServer;
  spec.common_name = "dm-controller";
  spec.not_before = kNow;
  return *ca.Issue(key->get(), spec);
}

class PinnedCaTest : public ::testing::Test {
 protected:
  CertificateAuthority ca_ = *CertificateAuthority::Create("real", kNow);
  CertificateAuthority impostor_ = *CertificateAuthority::Create("impostor", kNow);
};

TEST_F(PinnedCaTest, AcceptsTheCaNamedByTheToken) {
  std::vector<Certificate> chain = {ServerCert(ca_), ca_.certificate()};
  auto pinned = PinnedCaFromChain(chain, ca_.certificate().Fingerprint());
  ASSERT_TRUE(pinned.ok()) << pinned.status();
  EXPECT_EQ(pinned->Fingerprint(), ca_.certificate().Fingerprint());
}

TEST_F(PinnedCaTest, RefusesAnImpostorCa) {
  std::vector<Certificate> chain = {ServerCert(impostor_), impostor_.certificate()};
  auto pinned = PinnedCaFromChain(chain, ca_.certificate().Fingerprint());
  EXPECT_EQ(pinned.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(pinned.status().message().find("does not match the fingerprint"), std::string::npos);
}

TEST_F(PinnedCaTest, RefusesTheRealCaAttachedToAnImpostorsCertificate) {
  // A man-in-the-middle can copy the public CA certificate, but not have it sign his own.
  std::vector<Certificate> chain = {ServerCert(impostor_), ca_.certificate()};
  auto pinned = PinnedCaFromChain(chain, ca_.certificate().Fingerprint());
  EXPECT_EQ(pinned.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(pinned.status().message().find("not issued by"), std::string::npos);
}

TEST_F(PinnedCaTest, RefusesALeafWhoseFingerprintIsPinned) {
  Certificate leaf = ServerCert(ca_);
  std::vector<Certificate> chain = {leaf, ca_.certificate()};
  EXPECT_FALSE(PinnedCaFromChain(chain, leaf.Fingerprint()).ok());
  EXPECT_FALSE(PinnedCaFromChain({}, ca_.certificate().Fingerprint()).ok());
}

TEST(FetchPresentedChainTest, UnreachableControllerIsUnavailable) {
  // Port 1 on loopback: nothing listens there.
  auto chain = FetchPresentedChain(HostPort{"127.0.0.1", 1}, absl::Seconds(2));
  EXPECT_EQ(chain.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(chain.status().message().find("127.0.0.1:1"), std::string::npos);
}

}  // namespace
}  // namespace dm
