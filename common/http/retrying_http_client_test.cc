// Retries against a scripted server and a fake clock: what is retried, how long it waits, and
// how it gives up.
#include "common/http/retrying_http_client.h"

#include <deque>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace dm {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Answers from a script, in order; counts calls.
class ScriptedHttp : public HttpClient {
 public:
  absl::StatusOr<HttpResponse> Send(const HttpRequest&) override {
    ++calls;
    if (script.empty()) return absl::InternalError("the script ran out");
    absl::StatusOr<HttpResponse> next = script.front();
    script.pop_front();
    return next;
  }
  void Answer(long status, std::string retry_after = "") {
    HttpResponse r;
    r.status = status;
    if (!retry_after.empty()) r.headers["retry-after"] = retry_after;
    r.body = status < 300 ? "{}" : "{\"message\": \"busy\"}";
    script.push_back(r);
  }
  void NoAnswer() { script.push_back(absl::DeadlineExceededError("timed out after 30s")); }

  std::deque<absl::StatusOr<HttpResponse>> script;
  int calls = 0;
};

class RetryingHttpClientTest : public ::testing::Test {
 protected:
  HttpRequest Request(const std::string& method) {
    HttpRequest r;
    r.method = method;
    r.url = "https://api.example.com/v2/domains/1/records?X-Amz-Signature=abc123";
    return r;
  }
  ScriptedHttp server_;
  FakeClock clock_;
  RetryingHttpClient client_{&server_, &clock_};
};

TEST_F(RetryingHttpClientTest, TooManyRequestsWaitsAsTheServerSays) {
  server_.Answer(429, "3");
  server_.Answer(200);
  const absl::Time start = clock_.Now();
  absl::StatusOr<HttpResponse> r = client_.Send(Request("POST"));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(server_.calls, 2);
  EXPECT_EQ(clock_.Now() - start, absl::Seconds(3));
}

TEST_F(RetryingHttpClientTest, ServerErrorsBackOffThenGiveUpClearly) {
  for (int i = 0; i < 5; ++i) server_.Answer(500);
  const absl::Time start = clock_.Now();
  absl::StatusOr<HttpResponse> r = client_.Send(Request("GET"));
  EXPECT_EQ(server_.calls, 5);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(r.status().message()),
              HasSubstr("GET https://api.example.com/v2/domains/1/records: HTTP 500 after 5 "
                        "attempts"));
  EXPECT_THAT(std::string(r.status().message()), Not(HasSubstr("abc123"))) << "no query";
  // 1 + 2 + 4 + 8 s, each with up to a quarter more.
  EXPECT_GE(clock_.Now() - start, absl::Seconds(15));
  EXPECT_LT(clock_.Now() - start, absl::Seconds(19));
}

TEST_F(RetryingHttpClientTest, ARequestThatMayHaveBeenCarriedOutIsNotSentTwice) {
  server_.Answer(500);
  absl::StatusOr<HttpResponse> created = client_.Send(Request("POST"));
  ASSERT_TRUE(created.ok());
  EXPECT_EQ(created->status, 500) << "the caller sees the failure";
  EXPECT_EQ(server_.calls, 1);
  server_.NoAnswer();
  EXPECT_EQ(client_.Send(Request("POST")).status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(server_.calls, 2);
  // The same for reads is retried.
  server_.NoAnswer();
  server_.Answer(200);
  EXPECT_TRUE(client_.Send(Request("GET")).ok());
  EXPECT_EQ(server_.calls, 4);
}

TEST_F(RetryingHttpClientTest, AnswersThatAreNotFailuresComeBackAtOnce) {
  server_.Answer(404);
  server_.Answer(422);
  EXPECT_EQ(client_.Send(Request("GET"))->status, 404);
  EXPECT_EQ(client_.Send(Request("POST"))->status, 422);
  EXPECT_EQ(server_.calls, 2);
}

TEST_F(RetryingHttpClientTest, RetryAfterReadsSecondsAndDatesAndALongWaitIsNotWaited) {
  const absl::Time now = absl::FromUnixSeconds(784111777);  // Sun, 06 Nov 1994 08:49:37 GMT
  EXPECT_EQ(RetryAfter("120", now), absl::Seconds(120));
  EXPECT_EQ(RetryAfter("Sun, 06 Nov 1994 08:50:07 GMT", now), absl::Seconds(30));
  EXPECT_EQ(RetryAfter("soon", now), absl::ZeroDuration());
  server_.Answer(429, "3600");
  absl::StatusOr<HttpResponse> r = client_.Send(Request("GET"));
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("asks to wait 1h: not waiting"));
  EXPECT_EQ(server_.calls, 1);
}

}  // namespace
}  // namespace dm
