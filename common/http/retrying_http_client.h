// Provider APIs rate-limit and fail now and then: RetryingHttpClient sends a request again after
// 429 (too many requests) and 5xx answers, and after no answer at all, waiting as the server says
// (Retry-After, in seconds or as an HTTP date) or with exponential backoff and jitter.
//
// A request that may have been carried out is not sent twice blindly: POST and PATCH are retried
// only after 429 and 503, which say the server did not take them; PUT, DELETE, GET and HEAD are
// idempotent and retried after any 5xx or a lost connection. (Creating calls stay safe across
// a controller's crash through the providers' tags and client tokens, not through this.)
//
// When every attempt failed, the error names the method, the URL's path (never its query, which
// may be signed), the last status and how many attempts took how long.
#ifndef DM_COMMON_HTTP_RETRYING_HTTP_CLIENT_H_
#define DM_COMMON_HTTP_RETRYING_HTTP_CLIENT_H_

#include "common/clock.h"
#include "common/http/http_client.h"

namespace dm {

struct RetryPolicy {
  int attempts = 5;  // in all, the first included
  absl::Duration first_backoff = absl::Seconds(1);
  absl::Duration max_backoff = absl::Seconds(30);
  // A server asking for more than this is not waited for: the call gives up at once.
  absl::Duration max_retry_after = absl::Minutes(2);
};

class RetryingHttpClient : public HttpClient {
 public:
  // Neither pointer is owned.
  RetryingHttpClient(HttpClient* inner, Clock* clock, RetryPolicy policy = {})
      : inner_(inner), clock_(clock), policy_(policy) {}

  // Thread-safe when `inner` is.
  absl::StatusOr<HttpResponse> Send(const HttpRequest& request) override;

 private:
  HttpClient* const inner_;
  Clock* const clock_;
  const RetryPolicy policy_;
};

// How long a Retry-After value asks to wait ("120", or an HTTP date), from `now`; none when it
// says nothing usable.
absl::Duration RetryAfter(const std::string& value, absl::Time now);

}  // namespace dm

#endif  // DM_COMMON_HTTP_RETRYING_HTTP_CLIENT_H_
