// The `powerdns` provider type against a real PowerDNS server (Debian's pdns_server, started here
// as EmbeddedPowerDns, used as "any PowerDNS" through its URL and key): configured from a
// --providers file, each record type set exactly, answered by `dig`, listed back, deleted; a
// wrong key is refused in words, without the key.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/files.h"
#include "common/process.h"
#include "common/temp_dir.h"
#include "controller/providers/dns/embedded_powerdns.h"
#include "controller/providers/dns/testing/dig.h"
#include "controller/providers/providers_config.h"

namespace dm {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

uint16_t TestPort() { return static_cast<uint16_t>(25000 + ::getpid() % 2000); }

class PowerDnsProviderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    EmbeddedPowerDnsOptions options;
    options.dir = dir_.Path("pdns");
    options.port = TestPort();
    absl::StatusOr<std::unique_ptr<EmbeddedPowerDns>> server = EmbeddedPowerDns::Start(options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
  }
  absl::Status Load(const std::string& key) {
    const std::string path = dir_.Path("providers.yaml");
    EXPECT_TRUE(WriteFileAtomic(path,
                                absl::StrCat("dns:\n  - name: edge\n    type: powerdns\n",
                                             "    api_url: ", server_->api_url(), "\n",
                                             "    api_key: '", key, "'\n"),
                                0600)
                    .ok());
    return LoadProviders(path, http_.get(), &dns_);
  }
  std::string Dig(const std::string& name, const std::string& type) {
    return testing::Dig(TestPort(), name, type);
  }

  TempDir dir_;
  std::unique_ptr<EmbeddedPowerDns> server_;
  std::unique_ptr<HttpClient> http_ = NewCurlHttpClient();
  DnsProviderSet dns_;
};

TEST_F(PowerDnsProviderTest, EachRecordTypeIsSetExactlyAndAnswered) {
  ASSERT_TRUE(Load(server_->api_key()).ok());
  DnsProvider* edge = dns_.Find("edge");
  ASSERT_NE(edge, nullptr);
  ASSERT_TRUE(edge->EnsureZone("corp.test").ok());
  ASSERT_TRUE(edge->SetRecord("corp.test", {"corp.test", "A", 60, {"10.1.0.1", "10.1.0.2"}}).ok());
  ASSERT_TRUE(edge->SetRecord("corp.test", {"v6.corp.test", "AAAA", 120, {"fd00::5"}}).ok());
  ASSERT_TRUE(edge->SetRecord("corp.test", {"www.corp.test", "CNAME", 60, {"corp.test"}}).ok());
  ASSERT_TRUE(
      edge->SetRecord("corp.test", {"corp.test", "TXT", 60, {"v=spf1 -all", "say \"hi\""}}).ok());
  EXPECT_EQ(Dig("corp.test", "A"), "10.1.0.1\n10.1.0.2");
  EXPECT_EQ(Dig("v6.corp.test", "AAAA"), "fd00::5");
  EXPECT_THAT(Dig("www.corp.test", "A"), HasSubstr("corp.test.")) << "through the CNAME";
  EXPECT_THAT(Dig("corp.test", "TXT"), HasSubstr("\"v=spf1 -all\""));

  absl::StatusOr<std::vector<DnsRecord>> records = edge->ListRecords("corp.test");
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_EQ(records->size(), 4u);
  EXPECT_EQ((*records)[0], (DnsRecord{"corp.test", "A", 60, {"10.1.0.1", "10.1.0.2"}}));
  EXPECT_EQ((*records)[1], (DnsRecord{"corp.test", "TXT", 60, {"say \"hi\"", "v=spf1 -all"}}))
      << "TXT values come back as they were set, unquoted";
  EXPECT_EQ((*records)[2], (DnsRecord{"v6.corp.test", "AAAA", 120, {"fd00::5"}}));
  EXPECT_EQ((*records)[3], (DnsRecord{"www.corp.test", "CNAME", 60, {"corp.test"}}));

  // Exactly: the set replaces what was there.
  ASSERT_TRUE(edge->SetRecord("corp.test", {"corp.test", "A", 60, {"10.1.0.3"}}).ok());
  EXPECT_EQ(Dig("corp.test", "A"), "10.1.0.3");
  ASSERT_TRUE(edge->DeleteRecord("corp.test", "v6.corp.test", "AAAA").ok());
  EXPECT_EQ(Dig("v6.corp.test", "AAAA"), "");
  EXPECT_TRUE(edge->DeleteRecord("corp.test", "v6.corp.test", "AAAA").ok()) << "idempotent";
}

TEST_F(PowerDnsProviderTest, AWrongKeyIsRefusedInWordsWithoutTheKey) {
  ASSERT_TRUE(Load("not-the-key-123").ok());
  absl::Status refused = dns_.Find("edge")->EnsureZone("corp.test");
  EXPECT_EQ(refused.code(), absl::StatusCode::kPermissionDenied) << refused;
  EXPECT_THAT(std::string(refused.message()), HasSubstr("API key was refused"));
  EXPECT_THAT(std::string(refused.message()), Not(HasSubstr("not-the-key-123")));
}

}  // namespace
}  // namespace dm
