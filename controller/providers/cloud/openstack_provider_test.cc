// The openstack provider against a real OpenStack on this machine (tests/openstack/openstack-up:
// Keystone, Glance, Nova with its fake driver, Neutron), as the project member `demo`: servers
// created with their key pair, security group, tags and user data, found by tag, ACTIVE with an
// address on the network, deleted; a 429 and a 503 from a proxy in front of Nova waited out; a
// create whose answer the proxy lost, resumed without a twin; a name taken by someone else and
// a wrong password refused in words.
#include "controller/providers/cloud/openstack_provider.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "bootstrap/host_key.h"
#include "common/clock.h"
#include "common/http/retrying_http_client.h"
#include "controller/providers/keystone/keystone_auth.h"
#include "nlohmann/json.hpp"
#include "tests/harness/fake_http_server.h"
#include "tests/harness/local_openstack.h"

namespace dm {
namespace {

using testing::FakeHttpRequest;
using testing::FakeHttpResponse;
using testing::FakeHttpServer;
using ::testing::HasSubstr;
using testing::LocalOpenStack;
using ::testing::Not;

// Nova checks a key pair's key: a real one.
std::string Key() {
  static const std::string key = GenerateHostKey()->public_line + " op@laptop";
  return key;
}

class OpenStackProviderTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!LocalOpenStack::Available()) return;
    cloud_ = new LocalOpenStack();
    start_ = cloud_->Start();
  }
  static void TearDownTestSuite() {
    delete cloud_;
    cloud_ = nullptr;
  }
  void SetUp() override {
    if (cloud_ == nullptr)
      GTEST_SKIP() << "OpenStack is not installed (scripts/install-deps), or not root";
    ASSERT_TRUE(start_.ok()) << start_;
    retrying_ = std::make_unique<RetryingHttpClient>(curl_.get(), &clock_, RetryPolicy{3});
  }
  OpenStackOptions Options() {
    OpenStackOptions o;
    o.cloud.name = "os1";
    o.cloud.image = cloud_->Get("image");
    o.cloud.size = cloud_->Get("flavor");
    o.cloud.poll_every = absl::Milliseconds(500);
    o.cloud.boot_timeout = absl::Minutes(2);
    o.cloud.timeout = absl::Seconds(20);
    o.auth.auth_url = cloud_->Get("auth_url");
    o.auth.user = cloud_->Get("user");
    o.auth.password = cloud_->Get("password");
    o.auth.project = cloud_->Get("project");
    o.auth.domain = cloud_->Get("domain");
    o.auth.region = cloud_->Get("region");
    o.network = cloud_->Get("network");
    return o;
  }
  std::unique_ptr<OpenStackProvider> Provider(OpenStackOptions o) {
    return std::make_unique<OpenStackProvider>(retrying_.get(), std::move(o));
  }
  std::unique_ptr<OpenStackProvider> Provider() { return Provider(Options()); }
  ServerSpec Spec(const std::string& name) {
    ServerSpec spec;
    spec.name = name;
    spec.ssh_public_key = Key();
    spec.tags = {{kFleetTag, "shop"}, {kRoleTag, "loadbalancer"}};
    spec.open_tcp_ports = {80, 443};
    spec.user_data = "#cloud-config\n";
    return spec;
  }
  // A proxy in front of Nova: the provider's compute calls go through it.
  std::unique_ptr<FakeHttpServer> Proxy(std::function<void(const FakeHttpRequest&)> seen = {}) {
    const std::string target = cloud_->Get("compute_url");
    return std::move(*FakeHttpServer::Start([this, target, seen](const FakeHttpRequest& r) {
      if (seen) seen(r);
      HttpRequest forward;
      forward.method = r.method;
      forward.url = absl::StrCat(target, r.path.substr(std::string("/v2.1").size()),
                                 r.query.empty() ? "" : "?" + r.query);
      for (const auto& [name, value] : r.headers) {
        if (name != "host" && name != "content-length" && name != "connection")
          forward.headers.push_back({name, value});
      }
      forward.body = r.body;
      absl::StatusOr<HttpResponse> answer = curl_->Send(forward);
      FakeHttpResponse out;
      if (!answer.ok()) {
        out.status = 502;
        return out;
      }
      out.status = static_cast<int>(answer->status);
      out.body = answer->body;
      out.headers = {{"Content-Type", answer->Header("content-type")}};
      return out;
    }));
  }

  // The cases, one after the other against one cloud (it takes most of a minute to start, and
  // listens on fixed ports): ctest runs the one test below.
  void ServersAreCreatedFoundByTagAndDeleted();
  void TooManyRequestsAndAnUnavailableNovaAreWaitedOut();
  void ACreateWhoseAnswerWasLostIsResumedWithoutATwin();
  void ANameTakenBySomeoneElseAndAWrongPasswordAreRefused();
  // Removes every server DeployMachine made, between cases.
  void Clean() {
    std::unique_ptr<OpenStackProvider> provider = Provider();
    for (const ServerInfo& s : provider->List().value_or(std::vector<ServerInfo>{}))
      (void)provider->Delete(s.name);
  }

  static LocalOpenStack* cloud_;
  static absl::Status start_;
  std::unique_ptr<HttpClient> curl_ = NewCurlHttpClient();
  FakeClock clock_;  // the retries' waits pass at once; boots are polled for real below
  std::unique_ptr<RetryingHttpClient> retrying_;
};

LocalOpenStack* OpenStackProviderTest::cloud_ = nullptr;
absl::Status OpenStackProviderTest::start_;

void OpenStackProviderTest::ServersAreCreatedFoundByTagAndDeleted() {
  OpenStackOptions o = Options();
  o.cloud.clock = Clock::Real();
  std::unique_ptr<OpenStackProvider> provider = Provider(o);
  absl::StatusOr<ServerInfo> web = provider->Create(Spec("web-1"), nullptr);
  ASSERT_TRUE(web.ok()) << web.status();
  EXPECT_EQ(web->name, "web-1");
  EXPECT_EQ(web->state, ProviderState::kRunning);
  EXPECT_THAT(web->private_address, HasSubstr("10.123.0."));
  EXPECT_EQ(web->address, web->private_address) << "no floating address: the network's own";
  EXPECT_EQ(web->tags[kServerTag], "web-1");
  EXPECT_EQ(web->tags[kFleetTag], "shop");
  EXPECT_EQ(web->size, "m1.tiny");

  ServerSpec db = Spec("db-1");
  db.tags[kRoleTag] = "dbserver";
  db.size = "m1.small";
  db.open_tcp_ports = {};
  ASSERT_TRUE(provider->Create(db, nullptr).ok());
  EXPECT_EQ(provider->List()->size(), 2u);
  absl::StatusOr<std::vector<ServerInfo>> dbs = provider->ListTagged({{kRoleTag, "dbserver"}});
  ASSERT_TRUE(dbs.ok()) << dbs.status();
  ASSERT_EQ(dbs->size(), 1u);
  EXPECT_EQ((*dbs)[0].size, "m1.small");

  ASSERT_TRUE(provider->Delete("web-1").ok());
  EXPECT_TRUE(absl::IsNotFound(provider->Get("web-1").status()));
  EXPECT_TRUE(absl::IsNotFound(provider->Delete("web-1")));
  EXPECT_EQ(provider->List()->size(), 1u);
}

void OpenStackProviderTest::TooManyRequestsAndAnUnavailableNovaAreWaitedOut() {
  std::unique_ptr<FakeHttpServer> proxy = Proxy();
  FakeHttpResponse busy;
  busy.status = 429;
  busy.headers = {{"Retry-After", "2"}};
  busy.body = R"({"overLimit": {"code": 429, "message": "Over limit"}})";
  FakeHttpResponse down;
  down.status = 503;
  down.body = "service unavailable";
  proxy->FailNext({busy, down});
  OpenStackOptions o = Options();
  o.endpoints["compute"] = proxy->url() + "/v2.1";
  absl::StatusOr<ServerInfo> web = Provider(o)->Create(Spec("web-1"), nullptr);
  ASSERT_TRUE(web.ok()) << web.status();
  EXPECT_GE(proxy->requests(), 3);
}

void OpenStackProviderTest::ACreateWhoseAnswerWasLostIsResumedWithoutATwin() {
  bool lose = true;
  std::unique_ptr<FakeHttpServer> proxy;
  proxy = Proxy();
  // Answers every request, but the first server creation's answer comes too late.
  std::unique_ptr<FakeHttpServer> slow =
      std::move(*FakeHttpServer::Start([&](const FakeHttpRequest& r) {
        HttpRequest forward;
        forward.method = r.method;
        forward.url = absl::StrCat(proxy->url(), r.path, r.query.empty() ? "" : "?" + r.query);
        for (const auto& [name, value] : r.headers) {
          if (name != "host" && name != "content-length" && name != "connection")
            forward.headers.push_back({name, value});
        }
        forward.body = r.body;
        absl::StatusOr<HttpResponse> answer = curl_->Send(forward);
        FakeHttpResponse out;
        out.status = answer.ok() ? static_cast<int>(answer->status) : 502;
        if (answer.ok()) out.body = answer->body;
        if (r.method == "POST" && r.path == "/v2.1/servers" && lose) {
          lose = false;
          out.delay = absl::Seconds(3);
        }
        return out;
      }));
  OpenStackOptions o = Options();
  o.endpoints["compute"] = slow->url() + "/v2.1";
  o.cloud.timeout = absl::Seconds(2);
  std::unique_ptr<OpenStackProvider> provider = Provider(o);
  EXPECT_FALSE(provider->Create(Spec("web-1"), nullptr).ok());
  absl::SleepFor(absl::Seconds(2));  // the late answer goes out first
  absl::StatusOr<ServerInfo> again = provider->Create(Spec("web-1"), nullptr);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(provider->List()->size(), 1u) << "no twin";
}

void OpenStackProviderTest::ANameTakenBySomeoneElseAndAWrongPasswordAreRefused() {
  // A server of that name that DeployMachine did not make, straight through Nova's API.
  absl::StatusOr<KeystoneSession> session = KeystoneLogin(curl_.get(), Options().auth);
  ASSERT_TRUE(session.ok()) << session.status();
  HttpRequest images;
  images.url = session->endpoints["image"] + "/v2/images?name=" + cloud_->Get("image");
  images.headers = {{"X-Auth-Token", session->token}};
  nlohmann::json image = nlohmann::json::parse(curl_->Send(images)->body)["images"][0];
  HttpRequest flavors;
  flavors.url = session->endpoints["compute"] + "/flavors";
  flavors.headers = {{"X-Auth-Token", session->token}};
  std::string flavor;
  const nlohmann::json listed = nlohmann::json::parse(curl_->Send(flavors)->body);
  for (const auto& f : listed["flavors"])
    if (f["name"] == cloud_->Get("flavor")) flavor = f["id"];
  HttpRequest create;
  create.method = "POST";
  create.url = session->endpoints["compute"] + "/servers";
  create.headers = {{"X-Auth-Token", session->token},
                    {"Content-Type", "application/json"},
                    {"OpenStack-API-Version", "compute 2.79"}};
  create.body = nlohmann::json{{"server",
                                {{"name", "theirs-1"},
                                 {"imageRef", image["id"]},
                                 {"flavorRef", flavor},
                                 {"networks", "none"}}}}
                    .dump();
  absl::StatusOr<HttpResponse> made = curl_->Send(create);
  ASSERT_TRUE(made.ok() && made->status == 202) << (made.ok() ? made->body : "");
  const std::string theirs = nlohmann::json::parse(made->body)["server"]["id"];

  std::unique_ptr<OpenStackProvider> provider = Provider();
  absl::StatusOr<ServerInfo> taken = provider->Create(Spec("theirs-1"), nullptr);
  EXPECT_TRUE(absl::IsAlreadyExists(taken.status())) << taken.status();
  EXPECT_THAT(taken.status().message(), HasSubstr("did not boot"));
  EXPECT_TRUE(provider->List()->empty()) << "theirs is not listed as ours";

  OpenStackOptions wrong = Options();
  wrong.auth.password = "not-the-password";
  absl::StatusOr<std::vector<ServerInfo>> refused = Provider(wrong)->List();
  EXPECT_TRUE(absl::IsPermissionDenied(refused.status())) << refused.status();
  EXPECT_THAT(std::string(refused.status().message()), Not(HasSubstr("not-the-password")));

  HttpRequest remove;
  remove.method = "DELETE";
  remove.url = session->endpoints["compute"] + "/servers/" + theirs;
  remove.headers = {{"X-Auth-Token", session->token}};
  (void)curl_->Send(remove);
}

TEST_F(OpenStackProviderTest, AgainstARealOpenStack) {
  {
    SCOPED_TRACE("servers are created, found by tag and deleted");
    ServersAreCreatedFoundByTagAndDeleted();
    Clean();
  }
  {
    SCOPED_TRACE("a 429 and an unavailable Nova are waited out");
    TooManyRequestsAndAnUnavailableNovaAreWaitedOut();
    Clean();
  }
  {
    SCOPED_TRACE("a create whose answer was lost is resumed without a twin");
    ACreateWhoseAnswerWasLostIsResumedWithoutATwin();
    Clean();
  }
  {
    SCOPED_TRACE("a name taken by someone else and a wrong password are refused");
    ANameTakenBySomeoneElseAndAWrongPasswordAreRefused();
    Clean();
  }
}

}  // namespace
}  // namespace dm
