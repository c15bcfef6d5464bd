#include "agent/identity/agent_identity.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "common/files.h"
#include "common/temp_dir.h"
#include "common/tls/certificate_authority.h"
#include "common/tls/key.h"

namespace dm {
namespace {

class AgentIdentityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = root_ + "/agent";
    auto ca = CertificateAuthority::Create("ca", absl::Now());
    auto key = GenerateKey();
    CertificateSpec spec;
    spec.common_name = "agent/abc";
    spec.not_before = absl::Now();
    identity_.id = "abc";
    identity_.name = "web-1";
    identity_.role = "appnode";
    identity_.controller = "127.0.0.1:7443";
    identity_.key_pem = *PrivateKeyToPem(key->get());
    identity_.cert_pem = ca->Issue(key->get(), spec)->ToPem();
    identity_.ca_pem = ca->certificate().ToPem();
  }

  TempDir temp_{"dm-identity-test"};
  const std::string root_ = temp_.path();
  std::string dir_;
  AgentIdentity identity_;
};

TEST_F(AgentIdentityTest, SavesPrivatelyAndLoadsBack) {
  ASSERT_TRUE(identity_.Save(dir_).ok());
  struct stat st;
  ASSERT_EQ(stat(dir_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  for (const char* f : {"agent.key", "agent.crt", "ca.crt", "agent.yaml"}) {
    ASSERT_EQ(stat((dir_ + "/" + f).c_str(), &st), 0) << f;
    EXPECT_EQ(st.st_mode & 0777, 0600u) << f;
  }
  auto loaded = AgentIdentity::Load(dir_);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->id, "abc");
  EXPECT_EQ(loaded->name, "web-1");
  EXPECT_EQ(loaded->controller, "127.0.0.1:7443");
  EXPECT_EQ(loaded->key_pem, identity_.key_pem);
}

TEST_F(AgentIdentityTest, NoEnrollmentIsNotFound) {
  EXPECT_EQ(AgentIdentity::Load(dir_).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(AgentIdentityTest, DamagedFilesAreNamed) {
  ASSERT_TRUE(identity_.Save(dir_).ok());
  ASSERT_TRUE(WriteFileAtomic(dir_ + "/agent.key", "garbage", 0600).ok());
  auto loaded = AgentIdentity::Load(dir_);
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.status().message().find("agent.key"), std::string::npos) << loaded.status();

  ASSERT_TRUE(identity_.Save(dir_).ok());
  ASSERT_TRUE(WriteFileAtomic(dir_ + "/agent.yaml", "name: x\n", 0600).ok());
  loaded = AgentIdentity::Load(dir_);
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.status().message().find("field 'id' is required"), std::string::npos)
      << loaded.status();
}

}  // namespace
}  // namespace dm
