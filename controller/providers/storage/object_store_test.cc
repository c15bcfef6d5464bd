// Object stores without a server: the local directory store's contract, S3 request signing
// against AWS's published Signature Version 4 example, and the --backup-store file (what it
// opens, what it refuses, where the mistakes are). Swift and S3 for real: swift_store_test.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "absl/time/civil_time.h"
#include "common/files.h"
#include "common/temp_dir.h"
#include "controller/providers/storage/backup_store_config.h"
#include "controller/providers/storage/local_directory_store.h"
#include "controller/providers/storage/s3_store.h"
#include "controller/providers/storage/testing/object_store_contract.h"

namespace dm {
namespace {

using ::testing::HasSubstr;

TEST(LocalDirectoryStoreTest, KeepsTheContract) {
  TempDir dir;
  LocalDirectoryStore store(dir.path() + "/backups");
  testing::CheckObjectStoreContract(store);
}

TEST(CheckDownloadTest, ABodyMustMatchTheMd5ItsEtagCarries) {
  const std::string md5 = "5d41402abc4b2a76b9719d911017c592";  // MD5("hello")
  EXPECT_TRUE(CheckDownload("s3", "k", "\"" + md5 + "\"", "hello").ok());
  EXPECT_TRUE(absl::IsDataLoss(CheckDownload("swift", "k", md5, "hellO")));
  EXPECT_TRUE(CheckDownload("s3", "k", "\"" + md5.substr(0, 30) + "-2\"", "x").ok())
      << "multipart: no MD5 to check";
  EXPECT_TRUE(CheckDownload("s3", "k", "", "x").ok());
  EXPECT_EQ(EncodeObjectKey("shop/20261125t1.dump"), "shop/20261125t1.dump");
}

// "GET Bucket (List Objects)" from AWS's Signature Version 4 examples for S3 (header-based
// authentication): the same inputs must give the same signature, byte for byte.
TEST(S3SignatureTest, MatchesAwsPublishedExample) {
  S3Options options;
  options.region = "us-east-1";
  options.access_key = "AKIAIOSFODNN7EXAMPLE";
  options.secret_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  S3SigningInput input;
  input.method = "GET";
  input.host = "examplebucket.s3.amazonaws.com";
  input.path = "/";
  input.query = {{"max-keys", "2"}, {"prefix", "J"}};
  input.payload_sha256 =
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";  // empty body
  input.now = absl::FromCivil(absl::CivilSecond(2013, 5, 24, 0, 0, 0), absl::UTCTimeZone());
  S3Signature signature = SignS3Request(input, options);
  EXPECT_EQ(signature.amz_date, "20130524T000000Z");
  EXPECT_EQ(signature.authorization,
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
            "SignedHeaders=host;x-amz-content-sha256;x-amz-date, "
            "Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
}

TEST(S3SignatureTest, QueryOrderDoesNotChangeTheSignature) {
  S3Options options{"", "eu-west-1", "b", "AK", "SK"};
  S3SigningInput a;
  a.method = "GET";
  a.host = "h";
  a.path = "/b";
  a.query = {{"prefix", "shop/"}, {"list-type", "2"}};
  a.payload_sha256 = "x";
  a.now = absl::FromUnixSeconds(1795646795);
  S3SigningInput b = a;
  b.query = {{"list-type", "2"}, {"prefix", "shop/"}};
  EXPECT_EQ(SignS3Request(a, options).authorization, SignS3Request(b, options).authorization);
  b.query = {{"list-type", "2"}, {"prefix", "shop"}};
  EXPECT_NE(SignS3Request(a, options).authorization, SignS3Request(b, options).authorization);
}

class BackupStoreConfigTest : public ::testing::Test {
 protected:
  absl::StatusOr<std::unique_ptr<ObjectStore>> Parse(const std::string& text) {
    return ParseBackupStore(text, "store.yaml", nullptr);
  }
  TempDir dir_;
};

TEST_F(BackupStoreConfigTest, EachTypeOpensItsStore) {
  auto swift =
      Parse("type: swift\nauth_url: http://127.0.0.1:8080/auth/v1.0\nuser: dm:backup\nkey: k\n");
  ASSERT_TRUE(swift.ok()) << swift.status();
  EXPECT_EQ((*swift)->name(), "swift:http://127.0.0.1:8080/auth/v1.0 dm-backups")
      << "the default container";
  auto s3 = Parse(
      "type: s3\nendpoint: https://s3.eu-west-1.amazonaws.com\nregion: eu-west-1\nbucket: "
      "shop-backups\n"
      "access_key: AK\nsecret_key: SK\naddressing: virtual\n");
  ASSERT_TRUE(s3.ok()) << s3.status();
  EXPECT_EQ((*s3)->name(), "s3:https://s3.eu-west-1.amazonaws.com shop-backups");
  auto keystone = Parse(
      "type: swift\nauth_url: https://keystone.example.com:5000/v3\nuser: backup\nkey: k\n"
      "project: shop\nregion: RegionOne\n");
  ASSERT_TRUE(keystone.ok()) << keystone.status();
  auto directory = Parse("type: directory\npath: /var/backups/dm\n");
  ASSERT_TRUE(directory.ok()) << directory.status();
  EXPECT_EQ((*directory)->name(), "local:/var/backups/dm");
}

TEST_F(BackupStoreConfigTest, EveryMistakeIsNamedWithItsPosition) {
  auto bad = Parse(
      "type: s3\nendpoint: s3.example.com\nbucket: Shop_Backups\naccess_key: AK\nregoin: x\n");
  ASSERT_FALSE(bad.ok());
  std::string message(bad.status().message());
  EXPECT_THAT(message, HasSubstr("store.yaml:2:"));
  EXPECT_THAT(message, HasSubstr("must be an http:// or https:// URL"));
  EXPECT_THAT(message, HasSubstr("store.yaml:3:"));
  EXPECT_THAT(message, HasSubstr("'secret_key' is required"));
  EXPECT_THAT(message, HasSubstr("store.yaml:5:"));
  EXPECT_THAT(message, HasSubstr("regoin"));

  auto braces =
      Parse("type: swift\nauth_url: http://x/auth/v1.0\nuser: a:b\nkey: '{{not.an.attribute}}'\n");
  EXPECT_TRUE(braces.ok()) << "a secret is taken as written: " << braces.status();
  auto listed =
      Parse("type: swift\nauth_url: http://x/auth/v1.0\nuser: a:b\nkey: [hidden-value]\n");
  ASSERT_FALSE(listed.ok());
  EXPECT_THAT(listed.status().message(), HasSubstr("store.yaml:4:"));
  EXPECT_THAT(listed.status().message(), ::testing::Not(HasSubstr("hidden-value")));

  auto no_project =
      Parse("type: swift\nauth_url: https://keystone.example.com:5000/v3/\nuser: u\nkey: k\n");
  ASSERT_FALSE(no_project.ok()) << "an auth_url in /v3 is Keystone, which needs a project";
  EXPECT_THAT(no_project.status().message(), HasSubstr("needs project:"));
  EXPECT_FALSE(
      Parse("type: swift\nauth_url: http://x/auth/v1.0\nuser: a:b\nkey: k\nproject: p\n").ok())
      << "v1 has no projects";

  auto unknown = Parse("type: ftp\n");
  ASSERT_FALSE(unknown.ok());
  EXPECT_THAT(unknown.status().message(), HasSubstr("store.yaml:1:"));
  EXPECT_FALSE(Parse("auth_url: http://x/auth/v1.0\n").ok()) << "type: is required";
  EXPECT_FALSE(Parse("type: directory\npath: relative/dir\n").ok());
}

TEST_F(BackupStoreConfigTest, AFileOthersCanReadIsRefused) {
  const std::string path = dir_.path() + "/store.yaml";
  ASSERT_TRUE(WriteFileAtomic(path, "type: directory\npath: /var/backups/dm\n", 0644).ok());
  auto open = OpenBackupStore(path, nullptr);
  ASSERT_FALSE(open.ok());
  EXPECT_THAT(open.status().message(), HasSubstr("chmod 600"));
  ASSERT_EQ(::chmod(path.c_str(), 0600), 0);
  EXPECT_TRUE(OpenBackupStore(path, nullptr).ok());
  EXPECT_TRUE(absl::IsNotFound(OpenBackupStore(dir_.path() + "/missing.yaml", nullptr).status()));
}

}  // namespace
}  // namespace dm
