// The Swift and S3 object stores against a real OpenStack Swift (tests/harness/local_swift.h:
// Debian's servers on loopback): the store contract through both APIs and with Keystone v3
// authentication (a real Keystone, tests/harness/local_keystone.h), a token that expires, and
// wrong credentials refused without being echoed.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "controller/providers/storage/s3_store.h"
#include "controller/providers/storage/swift_store.h"
#include "controller/providers/storage/testing/object_store_contract.h"
#include "tests/harness/local_keystone.h"
#include "tests/harness/local_swift.h"

namespace dm {
namespace {

using ::testing::HasSubstr;
using testing::LocalKeystone;
using testing::LocalSwift;
using ::testing::Not;

// One cluster for all the tests of a process (it takes seconds to start); each test uses a
// container (or bucket) of its own.
class SwiftStoreTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!LocalSwift::Installed()) return;
    swift_ = new LocalSwift;
    started_ = swift_->Start();
  }
  static void TearDownTestSuite() {
    delete swift_;
    swift_ = nullptr;
  }
  void SetUp() override {
    if (swift_ == nullptr) {
      GTEST_SKIP() << "Debian's swift-proxy, swift-account, swift-container, swift-object and "
                      "memcached are not "
                      "installed (scripts/install-deps installs them)";
    }
    ASSERT_TRUE(started_.ok()) << started_;
  }

  static std::string Own() {
    std::string out = "dm-";
    for (char c : std::string(::testing::UnitTest::GetInstance()->current_test_info()->name())) {
      out += absl::ascii_tolower(c);
    }
    return out.substr(0, 60);
  }
  // Two objects per listing page, so that the contract's listings cross pages.
  SwiftOptions Swift(const std::string& key = LocalSwift::kKey) {
    SwiftOptions o;
    o.auth_url = swift_->endpoint() + "/auth/v1.0";
    o.user = LocalSwift::kUser;
    o.key = key;
    o.container = Own();
    o.list_page = 2;
    return o;
  }
  // s3api with TempAuth: the access key is ACCOUNT:USER, the secret its key.
  S3Options S3(const std::string& secret = LocalSwift::kKey) {
    return {swift_->endpoint(), "us-east-1", Own(), LocalSwift::kUser, secret, false, 2};
  }

  static LocalSwift* swift_;
  static absl::Status started_;
  std::unique_ptr<HttpClient> http_ = NewCurlHttpClient();
};

LocalSwift* SwiftStoreTest::swift_ = nullptr;
absl::Status SwiftStoreTest::started_;

TEST_F(SwiftStoreTest, SwiftApiKeepsTheContract) {
  SwiftObjectStore store(http_.get(), Swift());
  testing::CheckObjectStoreContract(store);
}

TEST_F(SwiftStoreTest, AnExpiredTokenIsRenewed) {
  SwiftObjectStore store(http_.get(), Swift());
  absl::Status put = store.Put("shop/a.dump", "a");
  ASSERT_TRUE(put.ok()) << put;
  swift_->ForgetTokens();
  EXPECT_EQ(store.Get("shop/a.dump").value_or("failed"), "a");
}

TEST_F(SwiftStoreTest, AWrongKeyIsRefusedAndNotEchoed) {
  SwiftObjectStore store(http_.get(), Swift("not-the-key"));
  absl::Status put = store.Put("shop/a.dump", "a");
  EXPECT_TRUE(absl::IsPermissionDenied(put)) << put;
  EXPECT_THAT(put.message(), HasSubstr(LocalSwift::kUser));
  EXPECT_THAT(put.message(), Not(HasSubstr("not-the-key")));
}

TEST_F(SwiftStoreTest, S3ApiKeepsTheContract) {
  S3ObjectStore store(http_.get(), S3());
  testing::CheckObjectStoreContract(store);
}

TEST_F(SwiftStoreTest, S3WithAWrongSecretIsRefused) {
  S3ObjectStore store(http_.get(), S3("not-the-secret"));
  absl::Status put = store.Put("shop/a.dump", "a");
  EXPECT_TRUE(absl::IsPermissionDenied(put)) << put;
  EXPECT_THAT(put.message(), HasSubstr("HTTP 403"));
  EXPECT_THAT(put.message(), HasSubstr("check access_key, secret_key"));
  EXPECT_THAT(put.message(), Not(HasSubstr("not-the-secret")));
}

// Swift as OpenStack clouds run it: tokens from Keystone v3, the storage URL from its catalog.
class KeystoneSwiftStoreTest : public SwiftStoreTest {
 protected:
  static constexpr char kProject[] = "shop";
  static constexpr char kUser[] = "backup";
  static constexpr char kPassword[] = "backup-password";

  static void SetUpTestSuite() {
    SwiftStoreTest::SetUpTestSuite();
    if (swift_ == nullptr || !started_.ok() || !LocalKeystone::Installed()) return;
    keystone_ = new LocalKeystone;
    keystone_started_ = keystone_->Start();
    if (keystone_started_.ok()) {
      keystone_started_ = swift_->StartKeystoneProxy(keystone_->url(), LocalKeystone::kAdmin,
                                                     LocalKeystone::kAdminPassword);
    }
    if (keystone_started_.ok()) {
      keystone_started_ =
          keystone_->AddObjectStore(swift_->keystone_endpoint() + "/v1/AUTH_$(project_id)s");
    }
    if (keystone_started_.ok())
      keystone_started_ = keystone_->AddProjectUser(kProject, kUser, kPassword);
  }
  static void TearDownTestSuite() {
    delete keystone_;
    keystone_ = nullptr;
    SwiftStoreTest::TearDownTestSuite();
  }
  void SetUp() override {
    SwiftStoreTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    if (keystone_ == nullptr)
      GTEST_SKIP() << "Debian's keystone and keystonemiddleware are not installed";
    ASSERT_TRUE(keystone_started_.ok()) << keystone_started_;
  }

  SwiftOptions Keystone(const std::string& password = kPassword,
                        const std::string& region = "RegionOne") {
    SwiftOptions o = Swift(password);
    o.auth_url = keystone_->url();
    o.user = kUser;
    o.auth_version = 3;
    o.project = kProject;
    o.region = region;
    return o;
  }

  static LocalKeystone* keystone_;
  static absl::Status keystone_started_;
};

LocalKeystone* KeystoneSwiftStoreTest::keystone_ = nullptr;
absl::Status KeystoneSwiftStoreTest::keystone_started_;

TEST_F(KeystoneSwiftStoreTest, KeystoneV3KeepsTheContract) {
  SwiftObjectStore store(http_.get(), Keystone());
  testing::CheckObjectStoreContract(store);
}

// One test for both mistakes: each test process starts its own Keystone and Swift.
TEST_F(KeystoneSwiftStoreTest, AWrongPasswordOrRegionIsNamedAndThePasswordNotEchoed) {
  SwiftObjectStore wrong(http_.get(), Keystone("not-the-password"));
  absl::Status put = wrong.Put("shop/a.dump", "a");
  EXPECT_TRUE(absl::IsPermissionDenied(put)) << put;
  EXPECT_THAT(put.message(), HasSubstr("backup in project shop"));
  EXPECT_THAT(put.message(), Not(HasSubstr("not-the-password")));

  SwiftObjectStore elsewhere(http_.get(), Keystone(kPassword, "Elsewhere"));
  put = elsewhere.Put("shop/a.dump", "a");
  EXPECT_TRUE(absl::IsNotFound(put)) << put;
  EXPECT_THAT(put.message(), HasSubstr("no public object-store endpoint in region Elsewhere"));
}

}  // namespace
}  // namespace dm
