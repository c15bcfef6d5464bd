// HTTP for provider APIs (DNS, object storage, clouds): one small interface, so that a provider
// takes a client and a base URL and tests point it at a local server. CurlHttpClient is the
// real one (libcurl). Never logs headers or bodies: they carry API keys and tokens.
#ifndef DM_COMMON_HTTP_HTTP_CLIENT_H_
#define DM_COMMON_HTTP_HTTP_CLIENT_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace dm {

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  absl::Duration timeout = absl::Seconds(30);
};

struct HttpResponse {
  long status = 0;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;

  // "" if absent; `name` in lower case.
  std::string Header(const std::string& name) const;
  // A 2xx answer.
  bool success() const { return status >= 200 && status < 300; }
  // An error status for a failed answer, by what it means to the caller: 401/403 refused
  // (PermissionDenied), 404 missing (NotFound), anything else worth a retry (Unavailable).
  absl::StatusCode ErrorCode() const;
};

class HttpClient {
 public:
  virtual ~HttpClient() = default;
  // A response with any status is OK; an error only when there was no response (refused,
  // timed out, bad URL).
  virtual absl::StatusOr<HttpResponse> Send(const HttpRequest& request) = 0;
};

// Thread-safe: each call uses its own handle.
std::unique_ptr<HttpClient> NewCurlHttpClient();

// Percent-encodes `text` for a URL path segment or query value.
std::string UrlEncode(const std::string& text);

}  // namespace dm

#endif  // DM_COMMON_HTTP_HTTP_CLIENT_H_
