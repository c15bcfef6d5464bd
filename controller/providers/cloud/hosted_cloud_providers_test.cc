// The hosted cloud providers (DigitalOcean, Hetzner, EC2) against contract fakes of their APIs (see
// the fakes' headers for the reference pages they follow), through the real HTTP client and the
// retrying client: servers booted with their key, firewall, tags and user data, found by tag
// across pages, deleted; a create whose answer was lost, or a server a dead controller left, is
// adopted and never booted twice; a 429 waited out, a storm of 500s given up on in words, a
// malformed body and a timeout reported, a wrong token named as such.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "common/clock.h"
#include "common/http/http_client.h"
#include "common/http/retrying_http_client.h"
#include "controller/providers/cloud/digitalocean_provider.h"
#include "controller/providers/cloud/ec2_provider.h"
#include "controller/providers/cloud/hetzner_provider.h"
#include "controller/providers/cloud/testing/fake_digitalocean_api.h"
#include "controller/providers/cloud/testing/fake_ec2_api.h"
#include "controller/providers/cloud/testing/fake_hetzner_api.h"

namespace dm {
namespace {

using ::testing::AnyOf;
using ::testing::ElementsAre;
using testing::FakeCloudApi;
using testing::FakeHttpResponse;
using testing::FakeServer;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kToken[] = "cl0ud-t0ken-s3cret";
constexpr char kKey[] =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGm2Wv0dDeploymachineTestKey00000 op@laptop";

class HostedCloudProviderTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    RetryPolicy policy;
    policy.attempts = 3;
    retrying_ = std::make_unique<RetryingHttpClient>(curl_.get(), &clock_, policy);
    if (GetParam() == "digitalocean") {
      fake_ = std::move(*testing::FakeDigitalOceanApi::Start(kToken));
    } else if (GetParam() == "hetzner") {
      fake_ = std::move(*testing::FakeHetznerApi::Start(kToken));
    } else {
      fake_ = std::move(*testing::FakeEc2Api::Start(kToken));  // the token is the secret key
    }
    provider_ = Provider(kToken);
  }
  std::unique_ptr<CloudProvider> Provider(const std::string& token) {
    HostedCloudOptions o;
    o.name = "cloud1";
    o.api_url = fake_->url();
    o.api_token = token;
    o.image = "debian-12";
    o.size = "small-1";
    o.region = "fra1";
    o.timeout = absl::Milliseconds(500);
    o.poll_every = absl::Seconds(2);
    o.clock = &clock_;
    if (GetParam() == "digitalocean")
      return std::make_unique<DigitalOceanProvider>(retrying_.get(), o);
    if (GetParam() == "hetzner") return std::make_unique<HetznerProvider>(retrying_.get(), o);
    Ec2Options ec2;
    ec2.cloud = o;
    ec2.cloud.region = testing::FakeEc2Api::kRegion;
    ec2.access_key = testing::FakeEc2Api::kAccessKey;
    ec2.secret_key = token;
    return std::make_unique<Ec2Provider>(retrying_.get(), ec2);
  }
  ServerSpec Spec(const std::string& name, const std::string& role = "appnode") {
    ServerSpec spec;
    spec.name = name;
    spec.ssh_public_key = kKey;
    spec.tags = {{kFleetTag, "shop"}, {kRoleTag, role}};
    spec.open_tcp_ports = {443, 80};
    spec.user_data = "#cloud-config\nssh_keys: {}\n";
    return spec;
  }
  // A server as a controller that died after creating it would have left it.
  FakeServer Leftover(const std::string& name) {
    FakeServer s;
    s.name = name;
    s.image = "debian-12";
    s.size = "small-1";
    s.region = "fra1";
    s.tags = {{"deploymachine", GetParam() == "digitalocean" ? "" : "1"}, {kServerTag, name}};
    if (GetParam() == "ec2") s.tags["Name"] = name;
    return s;
  }
  // The provider's id of a server the fake holds.
  std::string IdOf(const FakeServer& s) {
    return GetParam() == "ec2" ? absl::StrCat("i-", s.id) : std::to_string(s.id);
  }
  static FakeHttpResponse Status(int status,
                                 std::vector<std::pair<std::string, std::string>> headers = {}) {
    FakeHttpResponse r;
    r.status = status;
    r.headers = std::move(headers);
    r.body = "{}";
    return r;
  }

  std::unique_ptr<HttpClient> curl_ = NewCurlHttpClient();
  FakeClock clock_;  // retries and boot polls wait on it
  std::unique_ptr<RetryingHttpClient> retrying_;
  std::unique_ptr<FakeCloudApi> fake_;
  std::unique_ptr<CloudProvider> provider_;
};

TEST_P(HostedCloudProviderTest, ServersBootWithTheirKeyFirewallTagsAndUserData) {
  std::vector<std::string> progress;
  absl::StatusOr<ServerInfo> web =
      provider_->Create(Spec("web-1"), [&](const std::string& line) { progress.push_back(line); });
  ASSERT_TRUE(web.ok()) << web.status();
  EXPECT_EQ(web->name, "web-1");
  EXPECT_EQ(web->provider, "cloud1");
  EXPECT_EQ(web->state, ProviderState::kRunning);
  EXPECT_THAT(web->address, HasSubstr("203.0.113."));
  EXPECT_THAT(web->private_address, HasSubstr("10.10.0."));
  EXPECT_EQ(web->tags[kFleetTag], "shop");
  EXPECT_EQ(web->tags[kRoleTag], "appnode");
  EXPECT_EQ(web->tags[kServerTag], "web-1");
  EXPECT_EQ(web->image, "debian-12");
  EXPECT_EQ(web->size, "small-1");
  EXPECT_EQ(web->region, GetParam() == "ec2" ? "eu-central-1a" : "fra1");  // EC2: the zone
  EXPECT_THAT(progress, Not(::testing::IsEmpty()));

  std::vector<FakeServer> held = fake_->Servers();
  ASSERT_EQ(held.size(), 1u);
  EXPECT_EQ(held[0].ssh_keys.size(), 1u);
  EXPECT_THAT(held[0].firewalls, ElementsAre("dm-tcp-22-80-443"));
  EXPECT_EQ(held[0].user_data, "#cloud-config\nssh_keys: {}\n");

  // A second server reuses the key and the firewall.
  ServerSpec db = Spec("db-1", "dbserver");
  db.open_tcp_ports = {80, 443};
  db.size = "large-2";
  ASSERT_TRUE(provider_->Create(db, nullptr).ok());
  EXPECT_EQ(fake_->Keys(), 1);
  EXPECT_EQ(fake_->Firewalls(), 1);
  EXPECT_EQ(fake_->Servers()[1].size, "large-2");

  // A server that also lets the controller in gets a firewall of its own, named for it.
  ServerSpec app = Spec("app-1");
  app.admit_from = {"198.51.100.7"};
  ASSERT_TRUE(provider_->Create(app, nullptr).ok());
  EXPECT_EQ(fake_->Firewalls(), 2);
  ASSERT_EQ(fake_->Servers().size(), 3u);
  ASSERT_EQ(fake_->Servers()[2].firewalls.size(), 1u);
  EXPECT_THAT(fake_->Servers()[2].firewalls[0], ::testing::StartsWith("dm-tcp-22-80-443-"));
  ASSERT_TRUE(provider_->Delete("app-1").ok());

  EXPECT_EQ(provider_->List()->size(), 2u);
  EXPECT_EQ(provider_->ListTagged({{kFleetTag, "shop"}})->size(), 2u);
  absl::StatusOr<std::vector<ServerInfo>> dbs = provider_->ListTagged({{kRoleTag, "dbserver"}});
  ASSERT_EQ(dbs->size(), 1u);
  EXPECT_EQ((*dbs)[0].name, "db-1");
  EXPECT_EQ(provider_->Get("db-1")->id, (*dbs)[0].id);

  ASSERT_TRUE(provider_->Delete("web-1").ok());
  EXPECT_TRUE(absl::IsNotFound(provider_->Get("web-1").status()));
  EXPECT_TRUE(absl::IsNotFound(provider_->Delete("web-1")));
  EXPECT_EQ(fake_->Servers().size(), 1u);
}

TEST_P(HostedCloudProviderTest, EveryPageIsRead) {
  fake_->set_max_per_page(2);
  for (int i = 0; i < 5; ++i) fake_->AddServer(Leftover(absl::StrCat("n", i)));
  absl::StatusOr<std::vector<ServerInfo>> all = provider_->List();
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(all->size(), 5u);
}

TEST_P(HostedCloudProviderTest, ACreateWhoseAnswerWasLostIsAdoptedNotBootedTwice) {
  fake_->LoseNextCreateAnswer(absl::Seconds(1));
  absl::StatusOr<ServerInfo> lost = provider_->Create(Spec("web-1"), nullptr);
  EXPECT_FALSE(lost.ok());
  ASSERT_EQ(fake_->Servers().size(), 1u) << "the server was made; only the answer was lost";
  absl::StatusOr<ServerInfo> again = provider_->Create(Spec("web-1"), nullptr);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(fake_->Servers().size(), 1u);
  EXPECT_EQ(again->id, IdOf(fake_->Servers()[0]));
}

TEST_P(HostedCloudProviderTest, AServerADeadControllerLeftIsAdopted) {
  fake_->AddServer(Leftover("web-1"));
  absl::StatusOr<ServerInfo> adopted = provider_->Create(Spec("web-1"), nullptr);
  ASSERT_TRUE(adopted.ok()) << adopted.status();
  EXPECT_EQ(fake_->Servers().size(), 1u);
  EXPECT_EQ(fake_->Keys(), 0) << "nothing was created for it";
}

TEST_P(HostedCloudProviderTest, ANameTakenBySomeoneElseIsRefused) {
  FakeServer theirs = Leftover("web-1");
  theirs.tags.clear();
  if (GetParam() == "ec2") theirs.tags["Name"] = "web-1";  // how EC2 names an instance
  fake_->AddServer(theirs);
  absl::StatusOr<ServerInfo> created = provider_->Create(Spec("web-1"), nullptr);
  EXPECT_TRUE(absl::IsAlreadyExists(created.status())) << created.status();
  EXPECT_THAT(created.status().message(), HasSubstr("did not boot"));
  EXPECT_EQ(fake_->Servers().size(), 1u);
  EXPECT_TRUE(provider_->List()->empty()) << "not ours, so not listed";
}

TEST_P(HostedCloudProviderTest, TooManyRequestsIsWaitedOut) {
  fake_->server().FailNext({Status(429, {{"Retry-After", "5"}})});
  const absl::Time start = clock_.Now();
  absl::StatusOr<ServerInfo> web = provider_->Create(Spec("web-1"), nullptr);
  ASSERT_TRUE(web.ok()) << web.status();
  EXPECT_GE(clock_.Now() - start, absl::Seconds(5));
  EXPECT_EQ(fake_->Servers().size(), 1u);
}

TEST_P(HostedCloudProviderTest, AStormOfServerErrorsIsGivenUpOnInWords) {
  fake_->server().FailNext({Status(500), Status(503), Status(500)});
  absl::StatusOr<ServerInfo> web = provider_->Create(Spec("web-1"), nullptr);
  EXPECT_TRUE(absl::IsUnavailable(web.status())) << web.status();
  EXPECT_THAT(web.status().message(), HasSubstr("500"));
  EXPECT_THAT(web.status().message(), HasSubstr("3 attempts"));
  EXPECT_THAT(std::string(web.status().message()), Not(HasSubstr(kToken)));
  EXPECT_TRUE(fake_->Servers().empty());
}

TEST_P(HostedCloudProviderTest, AMalformedAnswerIsReported) {
  FakeHttpResponse html;
  html.body = "<html><body>upstream gone";
  fake_->server().FailNext({html});
  absl::StatusOr<std::vector<ServerInfo>> all = provider_->List();
  EXPECT_FALSE(all.ok());
  EXPECT_THAT(all.status().message(), AnyOf(HasSubstr("not JSON"), HasSubstr("not the API's XML")));
}

TEST_P(HostedCloudProviderTest, AnAnswerThatNeverComesTimesOut) {
  FakeHttpResponse slow;
  slow.delay = absl::Seconds(2);
  fake_->server().FailNext({slow, slow, slow});
  absl::StatusOr<std::vector<ServerInfo>> all = provider_->List();
  EXPECT_TRUE(absl::IsUnavailable(all.status())) << all.status();
  EXPECT_THAT(all.status().message(), AnyOf(HasSubstr("timed out"), HasSubstr("Timeout")));
}

TEST_P(HostedCloudProviderTest, AWrongTokenIsNamedAsSuch) {
  absl::StatusOr<ServerInfo> web = Provider("wrong-token")->Create(Spec("web-1"), nullptr);
  EXPECT_TRUE(absl::IsPermissionDenied(web.status())) << web.status();
  EXPECT_THAT(web.status().message(), HasSubstr(GetParam() == "ec2" ? "access key" : "token"));
  EXPECT_THAT(std::string(web.status().message()), Not(HasSubstr("wrong-token")));
  EXPECT_TRUE(fake_->Servers().empty());
}

INSTANTIATE_TEST_SUITE_P(Apis, HostedCloudProviderTest,
                         ::testing::Values("digitalocean", "hetzner", "ec2"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace dm
