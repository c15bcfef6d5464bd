// Every refusal the controller owes: calls without a certificate, with the wrong kind of
// certificate, with a certificate from another CA, from a removed agent; and secrets in logs.
#include <signal.h>

#include "absl/strings/match.h"
#include "common/controller_channel.h"
#include "common/files.h"
#include "common/tls/certificate_authority.h"
#include "common/tls/key.h"
#include "dm/v1/admin.grpc.pb.h"
#include "dm/v1/agent.grpc.pb.h"
#include "dm/v1/enroll.grpc.pb.h"
#include "tests/harness/fleet_fixture.h"

namespace dm::testing {
namespace {

class SecurityTest : public FleetTest {
 protected:
  void SetUp() override {
    FleetTest::SetUp();
    StartController();
    token_ = CreateToken({"--uses", "2"});
    StartAgent("web-1", token_);
    ASSERT_TRUE(WaitForAgentState("web-1", "connected"));
    ca_pem_ = *ReadFile(Path("ctl/ca.crt"));
  }

  ChannelCredentialsPem AdminPem() {
    return {ca_pem_, *ReadFile(Path("ctl/admin.key")), *ReadFile(Path("ctl/admin.crt"))};
  }
  ChannelCredentialsPem AgentPem(const std::string& name) {
    return {ca_pem_, *ReadFile(AgentDir(name) + "/agent.key"),
            *ReadFile(AgentDir(name) + "/agent.crt")};
  }

  grpc::StatusCode ListAgentsWith(const ChannelCredentialsPem& pem) {
    auto stub = dm::v1::Admin::NewStub(CreateControllerChannel(controller_address(), pem));
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    dm::v1::ListAgentsResponse response;
    return stub->ListAgents(&context, {}, &response).error_code();
  }

  grpc::StatusCode ConnectStreamWith(const ChannelCredentialsPem& pem) {
    auto stub = dm::v1::AgentService::NewStub(CreateControllerChannel(controller_address(), pem));
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    auto stream = stub->Connect(&context);
    dm::v1::AgentMessage hello;
    hello.mutable_hello()->set_epoch(1);
    stream->Write(hello);
    dm::v1::ControllerMessage reply;
    while (stream->Read(&reply)) {
      if (reply.has_welcome()) return grpc::StatusCode::OK;
    }
    return stream->Finish().error_code();
  }

  std::string token_;
  std::string ca_pem_;
};

TEST_F(SecurityTest, TheRightCertificatesWork) {
  EXPECT_EQ(ListAgentsWith(AdminPem()), grpc::StatusCode::OK);
  EXPECT_EQ(ConnectStreamWith(AgentPem("web-1")), grpc::StatusCode::OK);
}

TEST_F(SecurityTest, NoClientCertificateReachesNeitherService) {
  EXPECT_EQ(ListAgentsWith({ca_pem_, "", ""}), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(ConnectStreamWith({ca_pem_, "", ""}), grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(SecurityTest, AgentCertificatesCannotCallTheAdminService) {
  EXPECT_EQ(ListAgentsWith(AgentPem("web-1")), grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(SecurityTest, AdminCertificatesCannotCallTheAgentService) {
  EXPECT_EQ(ConnectStreamWith(AdminPem()), grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(SecurityTest, CertificatesFromAnotherCaFailTheHandshake) {
  // Same subject as the real admin, signed by a CA the controller does not trust.
  auto rogue_ca = CertificateAuthority::Create("rogue", absl::Now());
  auto key = GenerateKey();
  CertificateSpec spec;
  spec.common_name = "admin/operator";
  spec.not_before = absl::Now();
  auto cert = rogue_ca->Issue(key->get(), spec);
  ChannelCredentialsPem rogue{ca_pem_, *PrivateKeyToPem(key->get()), cert->ToPem()};
  EXPECT_EQ(ListAgentsWith(rogue), grpc::StatusCode::UNAVAILABLE);
}

TEST_F(SecurityTest, ARemovedAgentIsCutOffAndCannotReconnect) {
  ChannelCredentialsPem removed_pem = AgentPem("web-1");
  CommandResult remove = Dmctl({"agents", "remove", "web-1"});
  ASSERT_EQ(remove.exit_code, 0) << remove.err;
  // The running agent is told, and stops for good (exit 3) instead of retrying forever.
  EXPECT_EQ(agent("web-1")->Wait(absl::Seconds(15)), 3) << agent("web-1")->Log();
  EXPECT_TRUE(absl::StrContains(agent("web-1")->Log(), "removed")) << agent("web-1")->Log();
  EXPECT_EQ(ConnectStreamWith(removed_pem), grpc::StatusCode::PERMISSION_DENIED);
  StartAgent("web-1", "");
  EXPECT_EQ(agent("web-1")->Wait(absl::Seconds(15)), 3);
  EXPECT_EQ(AgentState("web-1"), "");
  EXPECT_EQ(Dmctl({"agents", "remove", "web-1"}).exit_code, 1);

  CommandResult events = Dmctl({"events", "--json"});
  ASSERT_EQ(events.exit_code, 0);
  EXPECT_EQ(nlohmann::json::parse(events.out)[0]["kind"], "agent.removed");
}

TEST_F(SecurityTest, EnrollmentWithoutAValidTokenIsRefused) {
  auto stub =
      dm::v1::Enrollment::NewStub(CreateControllerChannel(controller_address(), {ca_pem_, "", ""}));
  grpc::ClientContext context;
  dm::v1::EnrollRequest request;
  request.set_token_id("abcdefgh");
  request.set_token_secret(std::string(32, 'a'));
  request.set_name("intruder");
  dm::v1::EnrollResponse response;
  EXPECT_EQ(stub->Enroll(&context, request, &response).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(AgentState("intruder"), "");
}

TEST_F(SecurityTest, SecretsNeverReachTheLogs) {
  // Exercise the paths that handle secrets: a second enrollment, a refused one, token commands.
  StartAgent("web-2", token_);
  ASSERT_TRUE(WaitForAgentState("web-2", "connected"));
  std::string spare = CreateToken();
  Dmctl({"token", "revoke", spare});
  StartAgent("web-3", spare, {"--enroll-timeout", "5"});
  agent("web-3")->Wait(absl::Seconds(20));

  std::string logs = AllLogs();
  ASSERT_FALSE(logs.empty());
  for (const std::string& token : {token_, spare}) {
    std::string secret = token.substr(token.rfind('.') + 1);
    EXPECT_FALSE(absl::StrContains(logs, secret)) << "a token secret was logged";
  }
  EXPECT_FALSE(absl::StrContains(logs, "PRIVATE KEY"));
  CommandResult events = Dmctl({"events", "--json", "--limit", "100"});
  for (const std::string& token : {token_, spare}) {
    EXPECT_FALSE(absl::StrContains(events.out, token.substr(token.rfind('.') + 1)));
  }
}

TEST_F(SecurityTest, DmctlWithoutConfigSaysWhereItLooked) {
  CommandResult r = RunCommand({BinaryPath("dmctl"), "agents", "list"}, absl::Seconds(30),
                               {"DMCTL_CONFIG=", "HOME=" + Path("nohome")});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_TRUE(absl::StrContains(r.err, "DMCTL_CONFIG")) << r.err;
}

}  // namespace
}  // namespace dm::testing
