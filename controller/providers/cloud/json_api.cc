#include "controller/providers/cloud/json_api.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "nlohmann/json.hpp"

namespace dm {

absl::StatusOr<nlohmann::json> JsonApi::Call(const std::string& method, const std::string& path,
                                             const nlohmann::json* body) {
  HttpRequest request;
  request.method = method;
  request.url = absl::StrCat(absl::StripSuffix(options_.base_url, "/"), path);
  request.headers = {{"Authorization", absl::StrCat("Bearer ", options_.token)},
                     {"Accept", "application/json"}};
  if (body != nullptr) {
    request.headers.push_back({"Content-Type", "application/json"});
    request.body = body->dump();
  }
  request.timeout = options_.timeout;
  const std::string call = absl::StrCat(method, " ", path.substr(0, path.find('?')));
  absl::StatusOr<HttpResponse> response = http_->Send(request);
  if (!response.ok()) {
    return absl::UnavailableError(
        absl::StrCat(options_.label, " API: ", call, ": ", response.status().message()));
  }
  nlohmann::json parsed = response->body.empty()
                              ? nlohmann::json()
                              : nlohmann::json::parse(response->body, nullptr, false);
  if (response->success()) {
    if (parsed.is_discarded()) {
      return absl::UnavailableError(absl::StrCat(options_.label, " API: ", call,
                                                 ": an answer that is not JSON (HTTP ",
                                                 response->status, ")"));
    }
    return parsed;
  }
  std::string words =
      parsed.is_discarded() || !options_.error_text ? "" : options_.error_text(parsed);
  if (words.empty()) words = "no message";
  const std::string text =
      absl::StrCat(options_.label, " API: ", call, ": ", words, " (HTTP ", response->status, ")");
  switch (response->status) {
    case 401:
    case 403:
      return absl::PermissionDeniedError(
          absl::StrCat(text, ": the API token was refused, or lacks a permission this call needs"));
    case 404:
      return absl::NotFoundError(text);
    case 409:
      return absl::AlreadyExistsError(text);
    case 400:
    case 422:
      return absl::FailedPreconditionError(text);
    default:
      return absl::UnavailableError(text);
  }
}

}  // namespace dm
