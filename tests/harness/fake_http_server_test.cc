// The contract fakes' server with the real HTTP client: requests arrive whole, answers come back
// as written, a slow answer times the client out, and retries meet a real 429.
#include "tests/harness/fake_http_server.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/clock.h"
#include "common/http/http_client.h"
#include "common/http/retrying_http_client.h"

namespace dm::testing {
namespace {

using ::testing::HasSubstr;

TEST(FakeHttpServerTest, RequestsArriveWholeAndAnswersComeBackAsWritten) {
  FakeHttpRequest seen;
  auto server = FakeHttpServer::Start([&](const FakeHttpRequest& r) {
    seen = r;
    FakeHttpResponse answer;
    answer.status = 201;
    answer.headers = {{"X-RateLimit-Remaining", "2399"}};
    answer.body = R"({"data": {"id": 1}})";
    return answer;
  });
  ASSERT_TRUE(server.ok()) << server.status();
  std::unique_ptr<HttpClient> http = NewCurlHttpClient();
  HttpRequest request;
  request.method = "POST";
  request.url = (*server)->url() + "/v2/1010/zones/shop.example/records?page=2";
  request.headers = {{"Authorization", "Bearer t0ken"}, {"Content-Type", "application/json"}};
  request.body = R"({"name": "www", "type": "A", "content": "10.0.0.1"})";
  absl::StatusOr<HttpResponse> response = http->Send(request);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status, 201);
  EXPECT_EQ(response->Header("x-ratelimit-remaining"), "2399");
  EXPECT_EQ(response->body, R"({"data": {"id": 1}})");
  EXPECT_EQ(seen.method, "POST");
  EXPECT_EQ(seen.path, "/v2/1010/zones/shop.example/records");
  EXPECT_EQ(seen.query, "page=2");
  EXPECT_EQ(seen.Header("Authorization"), "Bearer t0ken");
  EXPECT_EQ(seen.body, request.body);
}

TEST(FakeHttpServerTest, ASlowAnswerTimesTheClientOut) {
  auto server = FakeHttpServer::Start([](const FakeHttpRequest&) {
    FakeHttpResponse slow;
    slow.delay = absl::Seconds(1);
    return slow;
  });
  ASSERT_TRUE(server.ok());
  HttpRequest request;
  request.url = (*server)->url() + "/slow";
  request.timeout = absl::Milliseconds(300);
  EXPECT_FALSE(NewCurlHttpClient()->Send(request).ok());
}

TEST(FakeHttpServerTest, ARealTooManyRequestsIsRetriedAfterItsRetryAfter) {
  int calls = 0;
  auto server = FakeHttpServer::Start([&](const FakeHttpRequest&) {
    FakeHttpResponse answer;
    if (++calls == 1) {
      answer.status = 429;
      answer.headers = {{"Retry-After", "1"}};
    }
    return answer;
  });
  ASSERT_TRUE(server.ok());
  std::unique_ptr<HttpClient> curl = NewCurlHttpClient();
  RetryingHttpClient retrying(curl.get(), Clock::Real());
  HttpRequest request;
  request.url = (*server)->url() + "/v2/whoami";
  const absl::Time start = absl::Now();
  absl::StatusOr<HttpResponse> response = retrying.Send(request);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ((*server)->requests(), 2);
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(900));
}

}  // namespace
}  // namespace dm::testing
