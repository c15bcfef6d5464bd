#include "common/http/retrying_http_client.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/random.h"

namespace dm {
namespace {

bool Idempotent(const std::string& method) {
  return method == "GET" || method == "HEAD" || method == "PUT" || method == "DELETE";
}

// Worth another attempt: the server was busy, or (for a request that may be repeated) failed.
bool Retriable(const std::string& method, long status) {
  if (status == 429 || status == 503) return true;
  return status >= 500 && Idempotent(method);
}

// The URL without its query (which may carry a signature) for messages.
std::string PathOf(const std::string& url) { return url.substr(0, url.find('?')); }

}  // namespace

absl::Duration RetryAfter(const std::string& value, absl::Time now) {
  std::string v(absl::StripAsciiWhitespace(value));
  int64_t seconds = 0;
  if (absl::SimpleAtoi(v, &seconds)) {
    return seconds >= 0 ? absl::Seconds(seconds) : absl::ZeroDuration();
  }
  absl::Time when;
  std::string error;
  // IMF-fixdate, as RFC 9110 writes HTTP dates: "Sun, 06 Nov 1994 08:49:37 GMT".
  if (absl::ParseTime("%a, %d %b %Y %H:%M:%S GMT", v, absl::UTCTimeZone(), &when, &error)) {
    return std::max(when - now, absl::ZeroDuration());
  }
  return absl::ZeroDuration();
}

absl::StatusOr<HttpResponse> RetryingHttpClient::Send(const HttpRequest& request) {
  const absl::Time start = clock_->Now();
  absl::Duration backoff = policy_.first_backoff;
  std::string last;
  for (int attempt = 1;; ++attempt) {
    absl::StatusOr<HttpResponse> response = inner_->Send(request);
    absl::Duration wait = absl::ZeroDuration();
    if (response.ok()) {
      if (!Retriable(request.method, response->status)) return response;
      last = absl::StrCat("HTTP ", response->status);
      wait = RetryAfter(response->Header("retry-after"), clock_->Now());
      if (wait > policy_.max_retry_after) {
        return absl::UnavailableError(absl::StrCat(
            request.method, " ", PathOf(request.url), ": HTTP ", response->status,
            ", and the server asks to wait ", absl::FormatDuration(wait), ": not waiting"));
      }
    } else {
      // No answer: a request that was maybe carried out is not sent again.
      if (!Idempotent(request.method)) return response.status();
      last = std::string(response.status().message());
    }
    if (attempt >= policy_.attempts) {
      return absl::UnavailableError(absl::StrCat(
          request.method, " ", PathOf(request.url), ": ", last, " after ", attempt, " attempts in ",
          absl::FormatDuration(absl::Trunc(clock_->Now() - start, absl::Milliseconds(100)))));
    }
    if (wait == absl::ZeroDuration()) {
      // Exponential, with up to a quarter of jitter so that many callers do not come back at once.
      const int64_t quarter = std::max<int64_t>(1, absl::ToInt64Milliseconds(backoff) / 4);
      wait = backoff + absl::Milliseconds(static_cast<int64_t>(RandomUint64() % quarter));
      backoff = std::min(backoff * 2, policy_.max_backoff);
    }
    clock_->SleepFor(wait);
  }
}

}  // namespace dm
