// The hosted DNS providers (DNSimple, Cloudflare) against contract fakes of their APIs (see the
// fakes' headers for the reference pages they follow), through the real HTTP client and the
// retrying client: record sets ensured exactly, listed across pages, twins left by a crash
// removed; a 429 waited out, a storm of 500s given up on in words, a malformed body and a
// timeout reported, a wrong token named as such.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "common/clock.h"
#include "common/http/http_client.h"
#include "common/http/retrying_http_client.h"
#include "controller/providers/dns/cloudflare_provider.h"
#include "controller/providers/dns/dnsimple_provider.h"
#include "controller/providers/dns/testing/fake_cloudflare_api.h"
#include "controller/providers/dns/testing/fake_dnsimple_api.h"

namespace dm {
namespace {

using ::testing::ElementsAre;
using testing::FakeCloudflareApi;
using testing::FakeDnsimpleApi;
using testing::FakeHttpResponse;
using testing::FakeHttpServer;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kToken[] = "t0ken-s3cret";
constexpr char kZone[] = "shop.example";

// One hosted API's fake and a provider pointed at it, as the tests see both.
class HostedApi {
 public:
  virtual ~HostedApi() = default;
  virtual FakeHttpServer& server() = 0;
  virtual DnsProvider& provider() = 0;
  // A provider of the same API with another token.
  virtual std::unique_ptr<DnsProvider> WithToken(const std::string& token) = 0;
  virtual void set_max_per_page(int n) = 0;
  // Adds a record behind the provider's back (name fully qualified).
  virtual void AddRecord(const std::string& name, const std::string& type,
                         const std::string& content, int ttl) = 0;
  // How many records of `name` and `type` the API holds.
  virtual int Count(const std::string& name, const std::string& type) = 0;
};

class DnsimpleApi : public HostedApi {
 public:
  explicit DnsimpleApi(HttpClient* http) : http_(http) {
    fake_ = *FakeDnsimpleApi::Start(kToken);
    provider_ = WithToken(kToken);
  }
  FakeHttpServer& server() override { return fake_->server(); }
  DnsProvider& provider() override { return *provider_; }
  std::unique_ptr<DnsProvider> WithToken(const std::string& token) override {
    DnsimpleOptions o;
    o.api_url = fake_->url();
    o.api_token = token;
    o.timeout = absl::Milliseconds(500);
    return std::make_unique<DnsimpleProvider>(http_, o);
  }
  void set_max_per_page(int n) override { fake_->set_max_per_page(n); }
  void AddRecord(const std::string& name, const std::string& type, const std::string& content,
                 int ttl) override {
    const std::string relative = name == kZone ? "" : name.substr(0, name.find('.'));
    fake_->AddRecord(kZone, relative, type, content, ttl);
  }
  int Count(const std::string& name, const std::string& type) override {
    const std::string relative = name == kZone ? "" : name.substr(0, name.find('.'));
    int n = 0;
    for (const std::string& line : fake_->Records(kZone))
      n += line.rfind(absl::StrCat(relative, " ", type, " "), 0) == 0;
    return n;
  }

 private:
  HttpClient* http_;
  std::unique_ptr<FakeDnsimpleApi> fake_;
  std::unique_ptr<DnsProvider> provider_;
};

class CloudflareApi : public HostedApi {
 public:
  explicit CloudflareApi(HttpClient* http) : http_(http) {
    fake_ = *FakeCloudflareApi::Start(kToken);
    provider_ = WithToken(kToken);
  }
  FakeHttpServer& server() override { return fake_->server(); }
  DnsProvider& provider() override { return *provider_; }
  std::unique_ptr<DnsProvider> WithToken(const std::string& token) override {
    CloudflareOptions o;
    o.api_url = fake_->url();
    o.api_token = token;
    o.account_id = FakeCloudflareApi::kAccount;
    o.timeout = absl::Milliseconds(500);
    return std::make_unique<CloudflareProvider>(http_, o);
  }
  void set_max_per_page(int n) override { fake_->set_max_per_page(n); }
  void AddRecord(const std::string& name, const std::string& type, const std::string& content,
                 int ttl) override {
    fake_->AddRecord(kZone, name, type, content, ttl);
  }
  int Count(const std::string& name, const std::string& type) override {
    int n = 0;
    for (const std::string& line : fake_->Records(kZone))
      n += line.rfind(absl::StrCat(name, " ", type, " "), 0) == 0;
    return n;
  }

 private:
  HttpClient* http_;
  std::unique_ptr<FakeCloudflareApi> fake_;
  std::unique_ptr<DnsProvider> provider_;
};

class HostedDnsProviderTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    RetryPolicy policy;
    policy.attempts = 3;
    retrying_ = std::make_unique<RetryingHttpClient>(curl_.get(), &clock_, policy);
    if (GetParam() == "dnsimple") {
      api_ = std::make_unique<DnsimpleApi>(retrying_.get());
    } else {
      api_ = std::make_unique<CloudflareApi>(retrying_.get());
    }
    ASSERT_TRUE(provider().EnsureZone(kZone).ok());
  }
  DnsProvider& provider() { return api_->provider(); }
  DnsRecord Record(const std::string& name, const std::string& type,
                   std::vector<std::string> values, int ttl = 300) {
    DnsRecord r;
    r.name = name;
    r.type = type;
    r.ttl = ttl;
    r.values = std::move(values);
    return r;
  }
  static FakeHttpResponse Status(int status,
                                 std::vector<std::pair<std::string, std::string>> headers = {}) {
    FakeHttpResponse r;
    r.status = status;
    r.headers = std::move(headers);
    r.body = "{\"message\": \"try later\"}";
    return r;
  }

  std::unique_ptr<HttpClient> curl_ = NewCurlHttpClient();
  FakeClock clock_;  // retries wait on it, so a Retry-After passes at once
  std::unique_ptr<RetryingHttpClient> retrying_;
  std::unique_ptr<HostedApi> api_;
};

TEST_P(HostedDnsProviderTest, RecordSetsAreEnsuredExactlyAndListed) {
  ASSERT_TRUE(provider().SetRecord(kZone, Record(kZone, "A", {"203.0.113.7", "203.0.113.8"})).ok());
  ASSERT_TRUE(
      provider().SetRecord(kZone, Record("www.shop.example", "CNAME", {"shop.example"})).ok());
  ASSERT_TRUE(provider()
                  .SetRecord(kZone, Record("shop.example", "TXT", {"v=spf1 -all", "a \"b\" c"}))
                  .ok());
  absl::StatusOr<std::vector<DnsRecord>> listed = provider().ListRecords(kZone);
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_THAT(*listed, ElementsAre(Record(kZone, "A", {"203.0.113.7", "203.0.113.8"}),
                                   Record(kZone, "TXT", {"a \"b\" c", "v=spf1 -all"}),
                                   Record("www.shop.example", "CNAME", {"shop.example"})));

  // Again with one value kept, one new and a new TTL: exactly that set, nothing else touched.
  ASSERT_TRUE(
      provider().SetRecord(kZone, Record(kZone, "A", {"203.0.113.8", "203.0.113.9"}, 120)).ok());
  listed = provider().ListRecords(kZone);
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ((*listed)[0], Record(kZone, "A", {"203.0.113.8", "203.0.113.9"}, 120));
  EXPECT_EQ(listed->size(), 3u);

  // Ensuring what is there already changes nothing and writes nothing.
  const int before = api_->server().requests();
  ASSERT_TRUE(
      provider().SetRecord(kZone, Record(kZone, "A", {"203.0.113.8", "203.0.113.9"}, 120)).ok());
  // Reads only: Cloudflare's zone id, then the record set (DNSimple names zones in its paths).
  EXPECT_LE(api_->server().requests() - before, 2);

  ASSERT_TRUE(provider().DeleteRecord(kZone, "www.shop.example", "CNAME").ok());
  ASSERT_TRUE(provider().DeleteRecord(kZone, "www.shop.example", "CNAME").ok());  // none: fine
  EXPECT_EQ(provider().ListRecords(kZone)->size(), 2u);

  ASSERT_TRUE(provider().DeleteZone(kZone).ok());
  EXPECT_TRUE(absl::IsNotFound(provider().ListRecords(kZone).status()));
  EXPECT_TRUE(provider().DeleteZone(kZone).ok());
}

TEST_P(HostedDnsProviderTest, EveryPageIsRead) {
  api_->set_max_per_page(2);
  for (int i = 1; i <= 4; ++i) {
    ASSERT_TRUE(provider()
                    .SetRecord(kZone, Record(absl::StrCat("n", i, ".shop.example"), "A",
                                             {"192.0.2.1", "192.0.2.2"}))
                    .ok());
  }
  absl::StatusOr<std::vector<DnsRecord>> listed = provider().ListRecords(kZone);
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->size(), 4u);
  for (const DnsRecord& r : *listed) EXPECT_EQ(r.values.size(), 2u) << r.name;
}

// A controller that died between adding a value and removing the old ones, or an operator's
// hand, leaves twins: the next ensure leaves one record per value.
TEST_P(HostedDnsProviderTest, TwinsLeftBehindAreRemoved) {
  ASSERT_TRUE(provider().SetRecord(kZone, Record(kZone, "A", {"203.0.113.7"})).ok());
  api_->AddRecord(kZone, "A", "203.0.113.7", 300);
  api_->AddRecord(kZone, "A", "198.51.100.1", 300);
  EXPECT_EQ(api_->Count(kZone, "A"), 3);
  ASSERT_TRUE(provider().SetRecord(kZone, Record(kZone, "A", {"203.0.113.7"})).ok());
  EXPECT_EQ(api_->Count(kZone, "A"), 1);
}

TEST_P(HostedDnsProviderTest, TooManyRequestsIsWaitedOut) {
  api_->server().FailNext({Status(429, {{"Retry-After", "7"}})});
  const absl::Time start = clock_.Now();
  absl::Status set = provider().SetRecord(kZone, Record(kZone, "A", {"203.0.113.7"}));
  ASSERT_TRUE(set.ok()) << set;
  EXPECT_EQ(clock_.Now() - start, absl::Seconds(7));
  EXPECT_EQ(api_->Count(kZone, "A"), 1);
}

TEST_P(HostedDnsProviderTest, AStormOfServerErrorsIsGivenUpOnInWords) {
  api_->server().FailNext({Status(500), Status(502), Status(500)});
  absl::Status set = provider().SetRecord(kZone, Record(kZone, "A", {"203.0.113.7"}));
  EXPECT_TRUE(absl::IsUnavailable(set)) << set;
  EXPECT_THAT(set.message(), HasSubstr("500"));
  EXPECT_THAT(set.message(), HasSubstr("3 attempts"));
  EXPECT_THAT(std::string(set.message()), ::testing::Not(HasSubstr(kToken)));
  EXPECT_EQ(api_->Count(kZone, "A"), 0);
}

TEST_P(HostedDnsProviderTest, AMalformedAnswerIsReported) {
  FakeHttpResponse html;
  html.body = "<html><body>502 Bad Gateway</body></html>";
  api_->server().FailNext({html});
  absl::StatusOr<std::vector<DnsRecord>> listed = provider().ListRecords(kZone);
  EXPECT_FALSE(listed.ok());
  EXPECT_THAT(listed.status().message(), HasSubstr("not the API's JSON"));
}

TEST_P(HostedDnsProviderTest, AnAnswerThatNeverComesTimesOut) {
  FakeHttpResponse slow;
  slow.delay = absl::Seconds(2);
  api_->server().FailNext({slow, slow, slow});
  absl::StatusOr<std::vector<DnsRecord>> listed = provider().ListRecords(kZone);
  EXPECT_TRUE(absl::IsUnavailable(listed.status())) << listed.status();
  EXPECT_THAT(listed.status().message(),
              ::testing::AnyOf(HasSubstr("timed out"), HasSubstr("Timeout")));
}

TEST_P(HostedDnsProviderTest, AWrongTokenIsNamedAsSuch) {
  std::unique_ptr<DnsProvider> wrong = api_->WithToken("not-the-token");
  absl::Status set = wrong->SetRecord(kZone, Record(kZone, "A", {"203.0.113.7"}));
  EXPECT_TRUE(absl::IsPermissionDenied(set)) << set;
  EXPECT_THAT(set.message(), HasSubstr("token"));
  EXPECT_THAT(std::string(set.message()), ::testing::Not(HasSubstr("not-the-token")));
}

INSTANTIATE_TEST_SUITE_P(Apis, HostedDnsProviderTest, ::testing::Values("dnsimple", "cloudflare"),
                         [](const auto& info) { return info.param; });

// Cloudflare's own rule (a TTL of 1 or 60 to 86400) comes back in Cloudflare's words.
TEST(CloudflareProviderTest, TheApisRefusalIsPassedOnInItsWords) {
  std::unique_ptr<HttpClient> curl = NewCurlHttpClient();
  std::unique_ptr<FakeCloudflareApi> fake = *FakeCloudflareApi::Start(kToken);
  CloudflareOptions o;
  o.api_url = fake->url();
  o.api_token = kToken;
  CloudflareProvider provider(curl.get(), o);
  absl::Status missing = provider.EnsureZone(kZone);
  EXPECT_TRUE(absl::IsFailedPrecondition(missing)) << missing;
  EXPECT_THAT(missing.message(), HasSubstr("account_id"));

  o.account_id = FakeCloudflareApi::kAccount;
  CloudflareProvider with_account(curl.get(), o);
  ASSERT_TRUE(with_account.EnsureZone(kZone).ok());
  DnsRecord r;
  r.name = kZone;
  r.type = "A";
  r.ttl = 30;
  r.values = {"203.0.113.7"};
  absl::Status set = with_account.SetRecord(kZone, r);
  EXPECT_TRUE(absl::IsFailedPrecondition(set)) << set;
  EXPECT_THAT(set.message(), HasSubstr("Invalid TTL"));
  EXPECT_THAT(set.message(), HasSubstr("9021"));
  EXPECT_THAT(fake->Records(kZone), IsEmpty());
}

// DNSimple's account is the token's own when the file names none.
TEST(DnsimpleProviderTest, TheAccountIsFoundFromTheToken) {
  std::unique_ptr<HttpClient> curl = NewCurlHttpClient();
  std::unique_ptr<FakeDnsimpleApi> fake = *FakeDnsimpleApi::Start(kToken);
  DnsimpleOptions o;
  o.api_url = fake->url();
  o.api_token = kToken;
  DnsimpleProvider provider(curl.get(), o);
  ASSERT_TRUE(provider.EnsureZone(kZone).ok());
  DnsRecord r;
  r.name = absl::StrCat("www.", kZone);
  r.type = "A";
  r.ttl = 300;
  r.values = {"203.0.113.7"};
  ASSERT_TRUE(provider.SetRecord(kZone, r).ok());
  EXPECT_THAT(fake->Records(kZone), ElementsAre("www A 203.0.113.7 300"));
}

}  // namespace
}  // namespace dm
