// The --providers file: what it configures, every mistake at its position, no secret in any
// message, and no file that others can read.
#include "controller/providers/providers_config.h"

#include <sys/stat.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/files.h"
#include "common/temp_dir.h"

namespace dm {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

class ProvidersConfigTest : public ::testing::Test {
 protected:
  absl::Status Parse(const std::string& text) {
    return ParseProviders(text, "providers.yaml", http_.get(), &dns_, &cloud_, &storage_);
  }
  std::unique_ptr<HttpClient> http_ = NewCurlHttpClient();
  DnsProviderSet dns_;
  StorageSet storage_;
  CloudProviderSet cloud_;
};

TEST_F(ProvidersConfigTest, APowerDnsServerIsNamedAndReady) {
  ASSERT_TRUE(Parse("dns:\n"
                    "  - name: edge\n"
                    "    type: powerdns\n"
                    "    api_url: http://127.0.0.1:8081/\n"
                    "    api_key: s3cr3t-key\n"
                    "  - {name: second, type: powerdns, api_url: 'https://dns.example',"
                    " api_key: k, server_id: ns1}\n"
                    "cloud: []\n")
                  .ok());
  EXPECT_THAT(dns_.Names(), ElementsAre("edge", "second"));
  ASSERT_NE(dns_.Find("edge"), nullptr);
  EXPECT_EQ(dns_.Find("edge")->name(), "powerdns");
  EXPECT_EQ(dns_.Find("local"), nullptr);
  EXPECT_TRUE(Parse("").ok()) << "an empty file configures nothing";
}

TEST_F(ProvidersConfigTest, EveryMistakeIsNamedWithItsPositionAndNoSecret) {
  absl::Status bad = Parse(
      "dns:\n"
      "  - name: local\n"  // 2: reserved
      "    type: powerdns\n"
      "    api_url: 127.0.0.1:8081\n"  // 4: not a URL
      "    api_key: hunter2-secret\n"
      "  - name: Edge_1\n"   // 6: bad name
      "    type: route66\n"  // 7: no such type
      "  - name: twice\n"
      "    type: powerdns\n"
      "    api_url: http://a\n"
      "    api_key: [hunter3-secret]\n"  // 11: not one value
      "    ttl: 5\n"                     // 12: unknown field
      "cloud:\n"
      "  - {name: os1, type: openstack, password: hunter4-secret}\n"  // 14
      "extra: 1\n");                                                  // 15
  ASSERT_FALSE(bad.ok());
  std::string message(bad.message());
  EXPECT_THAT(message, HasSubstr("providers.yaml:2:11: providers: dns: local: field 'name': "
                                 "'local' is the controller's own"));
  EXPECT_THAT(message, HasSubstr("providers.yaml:4:14: providers: dns: local: field 'api_url': "
                                 "must be an http:// or https:// URL"));
  EXPECT_THAT(message, HasSubstr("providers.yaml:6:11:"));
  EXPECT_THAT(message, HasSubstr("providers.yaml:7:11:"));
  EXPECT_THAT(message,
              HasSubstr("'route66' is not one of powerdns, rfc2136, dnsimple, cloudflare"));
  EXPECT_THAT(message, HasSubstr("providers.yaml:11:"));
  EXPECT_THAT(message, HasSubstr("must be the secret as one value"));
  EXPECT_THAT(message, HasSubstr("providers.yaml:12:"));
  EXPECT_THAT(message, HasSubstr("providers.yaml:14:"));
  EXPECT_THAT(message, HasSubstr("field 'auth_url' is required"));
  EXPECT_THAT(message, HasSubstr("providers.yaml:15:"));
  for (const char* secret : {"hunter2", "hunter3", "hunter4"})
    EXPECT_THAT(message, Not(HasSubstr(secret))) << message;
  EXPECT_TRUE(dns_.Names().empty()) << "nothing is half-configured";
  EXPECT_TRUE(cloud_.Names().empty());

  absl::Status twice = Parse(
      "dns:\n  - {name: a, type: powerdns, api_url: 'http://x', api_key: k}\n"
      "  - {name: a, type: powerdns, api_url: 'http://y', api_key: k}\n");
  EXPECT_THAT(std::string(twice.message()), HasSubstr("providers.yaml:3:"));
  EXPECT_THAT(std::string(twice.message()), HasSubstr("named twice"));
}

TEST_F(ProvidersConfigTest, HostedDnsProvidersTakeATokenAndOptionalAccount) {
  ASSERT_TRUE(Parse("dns:\n"
                    "  - {name: seed, type: dnsimple, api_token: 'dnsimple-t0ken'}\n"
                    "  - {name: sandbox, type: dnsimple, api_token: t, account_id: '1010',"
                    " api_url: 'https://api.sandbox.dnsimple.com'}\n"
                    "  - {name: edge, type: cloudflare, api_token: 'cf-t0ken',"
                    " account_id: 0b5e7a2c}\n")
                  .ok());
  EXPECT_THAT(dns_.Names(), ElementsAre("edge", "sandbox", "seed"));
  EXPECT_EQ(dns_.Find("seed")->name(), "dnsimple");
  EXPECT_EQ(dns_.Find("edge")->name(), "cloudflare");

  absl::Status bad = Parse("dns:\n  - {name: x, type: cloudflare, zone_id: z}\n");
  EXPECT_THAT(std::string(bad.message()), HasSubstr("api_token"));
  EXPECT_THAT(std::string(bad.message()), HasSubstr("zone_id"));
}

TEST_F(ProvidersConfigTest, CloudProvidersAreNamedWithTheirDefaults) {
  CloudProviderSet cloud;
  ASSERT_TRUE(ParseProviders("cloud:\n"
                             "  - {name: do1, type: digitalocean, api_token: 'do-t0ken',"
                             " region: fra1}\n"
                             "  - {name: hz, type: hetzner, api_token: 'hz-t0ken', size: cx32}\n"
                             "  - {name: aws, type: ec2, access_key_id: AKID, secret_access_key: "
                             "'s3cret', region: eu-central-1, image: ami-0abc}\n"
                             "  - {name: os1, type: openstack, auth_url: 'http://k:5000/v3', "
                             "user: demo, password: pw, project: demo, network: net1}\n",
                             "providers.yaml", http_.get(), &dns_, &cloud)
                  .ok())
      << ParseProviders(
             "cloud:\n  - {name: os1, type: openstack, auth_url: 'http://k:5000/v3', "
             "user: demo, password: pw, project: demo, network: net1}\n",
             "providers.yaml", http_.get(), &dns_, &cloud);
  EXPECT_THAT(cloud.Names(), ElementsAre("aws", "do1", "hz", "os1"));
  EXPECT_EQ(cloud.Find("os1")->type(), "openstack");
  EXPECT_EQ(cloud.Find("aws")->type(), "ec2");
  EXPECT_EQ(cloud.Find("do1")->type(), "digitalocean");
  EXPECT_EQ(cloud.Find("hz")->type(), "hetzner");
  EXPECT_EQ(cloud.Find("hz")->name(), "hz");

  absl::Status bad = ParseProviders(
      "cloud:\n  - {name: do2, type: digitalocean, api_token: 'hunter5-secret', flavor: big}\n"
      "  - {name: x, type: hetzner}\n",
      "providers.yaml", http_.get(), &dns_, &cloud);
  std::string message(bad.message());
  EXPECT_THAT(message, HasSubstr("providers.yaml:2:"));
  EXPECT_THAT(message, HasSubstr("'region' is required"));
  EXPECT_THAT(message, HasSubstr("flavor"));
  EXPECT_THAT(message, HasSubstr("providers.yaml:3:"));
  EXPECT_THAT(message, HasSubstr("api_token"));
  EXPECT_THAT(message, Not(HasSubstr("hunter5")));
}

TEST_F(ProvidersConfigTest, StoresAreNamedInTheBackupStoresWordsAndNeverADirectory) {
  ASSERT_TRUE(Parse("storage:\n"
                    "  - {name: media, type: s3, endpoint: 'http://10.0.0.1:8080', bucket: "
                    "shop-media, access_key: AK, secret_key: SK}\n"
                    "  - {name: swift, type: swift, auth_url: 'http://10.0.0.1:8080/auth/v1.0', "
                    "user: 'a:b', key: K, container: shop-media}\n")
                  .ok());
  const NamedStore* media = storage_.Find("media");
  ASSERT_NE(media, nullptr);
  EXPECT_EQ(media->settings.type, "s3");
  EXPECT_EQ(media->settings.s3.bucket, "shop-media");
  EXPECT_EQ(media->settings.s3.secret_key, "SK");
  ASSERT_NE(media->store, nullptr);
  ASSERT_NE(storage_.Find("swift"), nullptr);
  EXPECT_EQ(storage_.Find("swift")->settings.swift.container, "shop-media");
  EXPECT_EQ(storage_.Find("nope"), nullptr);

  absl::Status bad = Parse(
      "storage:\n  - {name: disk, type: directory, path: /srv}\n"
      "  - {name: s3, type: s3, endpoint: 'ftp://x', bucket: B, access_key: A, secret_key: "
      "TOPSECRET}\n");
  EXPECT_THAT(std::string(bad.message()),
              HasSubstr("providers.yaml:2:24: providers: storage: disk: field 'type': "
                        "'directory' is not one of: swift, s3"));
  EXPECT_THAT(std::string(bad.message()), HasSubstr("field 'endpoint': must be an http"));
  EXPECT_THAT(std::string(bad.message()), ::testing::Not(HasSubstr("TOPSECRET")));
}

TEST_F(ProvidersConfigTest, AFileOthersCanReadIsRefused) {
  TempDir dir;
  const std::string path = dir.Path("providers.yaml");
  ASSERT_TRUE(WriteFileAtomic(path, "dns: []\n", 0644).ok());
  absl::Status open = LoadProviders(path, http_.get(), &dns_);
  EXPECT_EQ(open.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(open.message()), HasSubstr("chmod 600"));
  ASSERT_EQ(::chmod(path.c_str(), 0600), 0);
  EXPECT_TRUE(LoadProviders(path, http_.get(), &dns_).ok());
  EXPECT_TRUE(absl::IsNotFound(LoadProviders(dir.Path("none.yaml"), http_.get(), &dns_)));
}

}  // namespace
}  // namespace dm
