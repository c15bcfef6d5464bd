#include "controller/providers/storage/keystone_auth.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/status_macros.h"
#include "nlohmann/json.hpp"

namespace dm {

absl::StatusOr<KeystoneToken> KeystoneAuthenticate(HttpClient* http, const KeystoneCredentials& c,
                                                   const std::string& service_type) {
  const nlohmann::json domain = {{"name", c.domain}};
  const nlohmann::json body = {
      {"auth",
       {{"identity",
         {{"methods", {"password"}},
          {"password",
           {{"user", {{"name", c.user}, {"domain", domain}, {"password", c.password}}}}}}},
        {"scope", {{"project", {{"name", c.project}, {"domain", domain}}}}}}}};
  HttpRequest request;
  request.method = "POST";
  request.url = absl::StrCat(absl::StripSuffix(c.auth_url, "/"), "/auth/tokens");
  request.headers = {{"Content-Type", "application/json"}, {"Accept", "application/json"}};
  request.body = body.dump();
  DM_ASSIGN_OR_RETURN(HttpResponse r, http->Send(request));
  const std::string who = absl::StrCat("keystone: ", c.user, " in project ", c.project);
  if (r.status == 401 || r.status == 403) {
    return absl::PermissionDeniedError(
        absl::StrCat(who, ": HTTP ", r.status, " (check user, key, project and domain)"));
  }
  if (r.status != 201 && r.status != 200)
    return absl::UnavailableError(absl::StrCat(who, ": HTTP ", r.status));

  KeystoneToken out;
  out.token = r.Header("x-subject-token");
  nlohmann::json answer = nlohmann::json::parse(r.body, nullptr, false);
  if (out.token.empty() || !answer.is_object()) {
    return absl::UnavailableError(absl::StrCat(who, ": no token in Keystone's answer"));
  }
  const nlohmann::json catalog = answer.contains("token")
                                     ? answer["token"].value("catalog", nlohmann::json::array())
                                     : nlohmann::json::array();
  for (const nlohmann::json& service : catalog) {
    if (service.value("type", "") != service_type) continue;
    for (const nlohmann::json& endpoint : service.value("endpoints", nlohmann::json::array())) {
      if (endpoint.value("interface", "") != "public") continue;
      if (!c.region.empty() &&
          endpoint.value("region_id", endpoint.value("region", "")) != c.region)
        continue;
      out.endpoint = endpoint.value("url", "");
      if (!out.endpoint.empty()) return out;
    }
  }
  return absl::NotFoundError(
      absl::StrCat(who, ": the catalog has no public ", service_type, " endpoint",
                   c.region.empty() ? "" : absl::StrCat(" in region ", c.region)));
}

}  // namespace dm
