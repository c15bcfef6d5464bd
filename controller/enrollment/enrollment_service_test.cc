#include "controller/enrollment/enrollment_service.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "common/tls/csr.h"
#include "common/tls/key.h"
#include "controller/testing/temp_store.h"

namespace dm {
namespace {

class EnrollmentServiceTest : public TempStoreTest {
 protected:
  void SetUp() override {
    TempStoreTest::SetUp();
    auto ca = CertificateAuthority::Create("test CA", clock_.Now());
    ASSERT_TRUE(ca.ok());
    ca_ = std::make_unique<CertificateAuthority>(std::move(*ca));
    tokens_ =
        std::make_unique<TokenService>(store_.get(), &clock_, ca_->certificate().Fingerprint());
    directory_ = std::make_unique<AgentDirectory>(store_.get(), &clock_, absl::Seconds(15));
    service_ = std::make_unique<EnrollmentService>(store_.get(), tokens_.get(), ca_.get(),
                                                   directory_.get(), &clock_);
    auto key = GenerateKey();
    ASSERT_TRUE(key.ok());
    key_ = std::move(*key);
  }

  dm::v1::EnrollRequest Request(const NewToken& token, const std::string& name,
                                const std::string& csr_cn = "ignored") {
    dm::v1::EnrollRequest request;
    request.set_token_id(token.token.id);
    request.set_token_secret(token.token.secret);
    request.set_name(name);
    request.set_csr_pem(*CreateCsr(key_.get(), csr_cn));
    request.mutable_facts()->set_hostname("host-" + name);
    request.mutable_facts()->set_agent_version("9.9.9");
    return request;
  }

  NewToken MakeToken(uint32_t uses = 1, const std::string& role = "appnode") {
    auto token = tokens_->Create({absl::Hours(1), uses, role, ""});
    EXPECT_TRUE(token.ok());
    return *token;
  }

  FakeClock clock_;
  std::unique_ptr<CertificateAuthority> ca_;
  std::unique_ptr<TokenService> tokens_;
  std::unique_ptr<AgentDirectory> directory_;
  std::unique_ptr<EnrollmentService> service_;
  EvpPkeyPtr key_;
};

TEST_F(EnrollmentServiceTest, EnrollsAndSignsTheRequestersKeyUnderTheControllersName) {
  NewToken token = MakeToken();
  // The CSR asks to be an admin; the controller names the certificate itself.
  auto enrolled = service_->Enroll(Request(token, "web-1", "admin/root"), "ipv4:127.0.0.1:1");
  ASSERT_TRUE(enrolled.ok()) << enrolled.status();

  auto cert = Certificate::FromPem(enrolled->certificate_pem);
  ASSERT_TRUE(cert.ok());
  EXPECT_EQ(cert->CommonName(), "agent/" + enrolled->agent.id);
  EXPECT_TRUE(cert->IsIssuedBy(ca_->certificate()));
  EXPECT_EQ(EVP_PKEY_eq(X509_get0_pubkey(cert->get()), key_.get()), 1);
  EXPECT_EQ(cert->SerialHex(), enrolled->agent.cert_serial);

  EXPECT_EQ(enrolled->agent.role, "appnode");
  EXPECT_TRUE(directory_->Get("web-1").ok());
  ASSERT_EQ(store_->ListAgents()->size(), 1u);
  EXPECT_EQ(store_->ListAgents()->front().facts.hostname(), "host-web-1");
  EXPECT_EQ(store_->GetToken(token.token.id)->uses, 1u);
}

TEST_F(EnrollmentServiceTest, WrongTokenStoresNothingAndNeverRecordsTheSecret) {
  NewToken token = MakeToken();
  dm::v1::EnrollRequest request = Request(token, "web-1");
  const std::string presented_secret(32, 'q');
  request.set_token_secret(presented_secret);
  auto refused = service_->Enroll(request, "peer");
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_TRUE(store_->ListAgents()->empty());
  EXPECT_EQ(store_->GetToken(token.token.id)->uses, 0u);

  auto events = *store_->ListEvents(EventQuery{10});
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, "enroll.refused");
  EXPECT_EQ(events[0].message.find(presented_secret), std::string::npos);
  EXPECT_EQ(events[0].message.find(token.token.secret), std::string::npos);
}

TEST_F(EnrollmentServiceTest, BadNameOrCsrLeavesTheTokenUnused) {
  NewToken token = MakeToken();
  auto bad_name = service_->Enroll(Request(token, "../etc"), "peer");
  EXPECT_EQ(bad_name.status().code(), absl::StatusCode::kInvalidArgument);

  dm::v1::EnrollRequest bad_csr = Request(token, "web-1");
  bad_csr.set_csr_pem("garbage");
  EXPECT_EQ(service_->Enroll(bad_csr, "peer").status().code(), absl::StatusCode::kInvalidArgument);

  EXPECT_EQ(store_->GetToken(token.token.id)->uses, 0u);
  EXPECT_TRUE(store_->ListAgents()->empty());
}

TEST_F(EnrollmentServiceTest, DuplicateNameIsRefusedWithAHint) {
  NewToken token = MakeToken(2);
  ASSERT_TRUE(service_->Enroll(Request(token, "web-1"), "peer").ok());
  auto dup = service_->Enroll(Request(token, "web-1"), "peer");
  EXPECT_EQ(dup.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_NE(dup.status().message().find("dmctl agents remove web-1"), std::string::npos);
  EXPECT_EQ(store_->GetToken(token.token.id)->uses, 1u);
}

TEST_F(EnrollmentServiceTest, SingleUseTokenEnrollsOnlyOnce) {
  NewToken token = MakeToken(1);
  ASSERT_TRUE(service_->Enroll(Request(token, "web-1"), "peer").ok());
  auto second = service_->Enroll(Request(token, "web-2"), "peer");
  EXPECT_EQ(second.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(store_->ListAgents()->size(), 1u);
}

TEST_F(EnrollmentServiceTest, ConcurrentEnrollmentsShareAMultiUseTokenWithoutSpuriousRefusals) {
  NewToken token = MakeToken(8);
  std::vector<dm::v1::EnrollRequest> requests;
  for (int i = 0; i < 10; ++i) requests.push_back(Request(token, "node-" + std::to_string(i)));
  std::atomic<int> enrolled{0}, used_up{0};
  std::vector<std::thread> threads;
  for (auto& request : requests) {
    threads.emplace_back([&] {
      auto result = service_->Enroll(request, "peer");
      if (result.ok()) ++enrolled;
      if (absl::IsPermissionDenied(result.status())) ++used_up;
    });
  }
  for (auto& t : threads) t.join();
  // Exactly the token's uses succeed; the rest are told it is used up, never a race error.
  EXPECT_EQ(enrolled.load(), 8);
  EXPECT_EQ(used_up.load(), 2);
  EXPECT_EQ(store_->ListAgents()->size(), 8u);
  EXPECT_EQ(store_->GetToken(token.token.id)->uses, 8u);
}

TEST(AgentNameTest, AcceptsHostLikeNamesOnly) {
  for (const char* ok : {"web-1", "db.example", "a", "node_7"})
    EXPECT_TRUE(IsValidAgentName(ok)) << ok;
  for (const char* bad : {"", "-web", ".hidden", "a/b", "a b", "..", "x\n"}) {
    EXPECT_FALSE(IsValidAgentName(bad)) << bad;
  }
  EXPECT_FALSE(IsValidAgentName(std::string(64, 'a')));
}

}  // namespace
}  // namespace dm

namespace dm {
namespace {

TEST_F(EnrollmentServiceTest, GuessingTokensFromOneAddressIsSlowedWithOneEvent) {
  NewToken token = MakeToken();
  dm::v1::EnrollRequest guess = Request(token, "intruder");
  guess.set_token_secret(std::string(32, 'g'));
  int refused_unread = 0;
  for (int i = 0; i < 200; ++i) {
    absl::StatusCode code = service_->Enroll(guess, "ipv4:10.9.9.9:4000").status().code();
    if (code == absl::StatusCode::kResourceExhausted) ++refused_unread;
  }
  EXPECT_EQ(refused_unread, 200 - AttemptLimiter::kFailuresAllowed);

  // One event per failure let through, and one for the whole run of refusals.
  std::vector<EventRecord> events = *store_->ListEvents(EventQuery{1000});
  int refused_events = 0, throttled_events = 0;
  for (const EventRecord& e : events) {
    refused_events += e.kind == "enroll.refused";
    throttled_events += e.kind == "enroll.throttled";
    if (e.kind == "enroll.throttled") {
      EXPECT_EQ(e.subject, "10.9.9.9");
    }
  }
  EXPECT_EQ(refused_events, AttemptLimiter::kFailuresAllowed);
  EXPECT_EQ(throttled_events, 1);

  // Another address enrolls with the right token meanwhile, and so does this one later.
  EXPECT_TRUE(service_->Enroll(Request(token, "web-1"), "ipv4:10.0.0.2:5000").ok());
  NewToken second = MakeToken();
  EXPECT_EQ(service_->Enroll(Request(second, "web-2"), "ipv4:10.9.9.9:4001").status().code(),
            absl::StatusCode::kResourceExhausted);
  clock_.Advance(AttemptLimiter::kRefill);
  EXPECT_TRUE(service_->Enroll(Request(second, "web-2"), "ipv4:10.9.9.9:4002").ok());
}

TEST_F(EnrollmentServiceTest, WhatACallerSendsIsEscapedBeforeItIsKept) {
  NewToken token = MakeToken();
  dm::v1::EnrollRequest request = Request(token, "bad\x1b[2Jname\n");
  EXPECT_EQ(service_->Enroll(request, "peer").status().code(), absl::StatusCode::kInvalidArgument);
  std::vector<EventRecord> events = *store_->ListEvents(EventQuery{10});
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].subject.find('\x1b'), std::string::npos) << events[0].subject;
  EXPECT_EQ(events[0].message.find('\x1b'), std::string::npos) << events[0].message;
  EXPECT_EQ(events[0].message.find('\n'), std::string::npos) << events[0].message;

  dm::v1::EnrollRequest dirty_facts = Request(token, "web-1");
  dirty_facts.mutable_facts()->set_hostname("web\x1b]1;x\x07");
  ASSERT_TRUE(service_->Enroll(dirty_facts, "peer").ok());
  EXPECT_EQ(store_->ListAgents()->front().facts.hostname(), "invalid");
}

}  // namespace
}  // namespace dm
