// A cloud's JSON API over HTTP, as the cloud providers (DigitalOcean, Hetzner) call it: a base
// URL, a Bearer token, and how that API words its errors. Every failure comes back in words that
// name the cloud, the call (method and path, never the query or the token) and the API's own
// message, with a status code by what it means: refused token PermissionDenied, 404 NotFound,
// 409 AlreadyExists, 400/422 FailedPrecondition, the rest Unavailable.
#ifndef DM_CONTROLLER_PROVIDERS_CLOUD_JSON_API_H_
#define DM_CONTROLLER_PROVIDERS_CLOUD_JSON_API_H_

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/http/http_client.h"
#include "nlohmann/json_fwd.hpp"

namespace dm {

struct JsonApiOptions {
  std::string label;     // "DigitalOcean": how messages name the cloud
  std::string base_url;  // "https://api.digitalocean.com"
  std::string token;     // secret: sent as a Bearer token, never shown
  absl::Duration timeout = absl::Seconds(30);
  // The API's own message in an error body ("" when it has none).
  std::function<std::string(const nlohmann::json&)> error_text;
};

class JsonApi {
 public:
  // `http` is not owned; it should retry (RetryingHttpClient).
  JsonApi(HttpClient* http, JsonApiOptions options) : http_(http), options_(std::move(options)) {}

  // The answer's JSON for a 2xx (null for an empty body); an error otherwise (see above).
  // `body` is sent when it is not null.
  absl::StatusOr<nlohmann::json> Call(const std::string& method, const std::string& path,
                                      const nlohmann::json* body = nullptr);

  const std::string& label() const { return options_.label; }

 private:
  HttpClient* const http_;
  const JsonApiOptions options_;
};

}  // namespace dm

#endif  // DM_CONTROLLER_PROVIDERS_CLOUD_JSON_API_H_
