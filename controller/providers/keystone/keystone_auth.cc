#include "controller/providers/keystone/keystone_auth.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/status_macros.h"
#include "nlohmann/json.hpp"

namespace dm {

absl::StatusOr<KeystoneSession> KeystoneLogin(HttpClient* http, const KeystoneCredentials& c) {
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
        absl::StrCat(who, ": HTTP ", r.status, " (check user, password, project and domain)"));
  }
  if (r.status != 201 && r.status != 200)
    return absl::UnavailableError(absl::StrCat(who, ": HTTP ", r.status));

  KeystoneSession out;
  out.token = r.Header("x-subject-token");
  nlohmann::json answer = nlohmann::json::parse(r.body, nullptr, false);
  if (out.token.empty() || !answer.is_object() || !answer.contains("token") ||
      !answer["token"].is_object()) {
    return absl::UnavailableError(absl::StrCat(who, ": no token in Keystone's answer"));
  }
  const nlohmann::json& token = answer["token"];
  absl::Time expires;
  std::string error;
  if (absl::ParseTime(absl::RFC3339_full, token.value("expires_at", ""), &expires, &error))
    out.expires = expires;
  for (const nlohmann::json& service : token.value("catalog", nlohmann::json::array())) {
    const std::string type = service.value("type", "");
    for (const nlohmann::json& endpoint : service.value("endpoints", nlohmann::json::array())) {
      if (endpoint.value("interface", "") != "public") continue;
      if (!c.region.empty() &&
          endpoint.value("region_id", endpoint.value("region", "")) != c.region)
        continue;
      const std::string url = endpoint.value("url", "");
      if (!url.empty() && !out.endpoints.count(type)) out.endpoints[type] = url;
    }
  }
  return out;
}

absl::StatusOr<KeystoneToken> KeystoneAuthenticate(HttpClient* http, const KeystoneCredentials& c,
                                                   const std::string& service_type) {
  DM_ASSIGN_OR_RETURN(KeystoneSession session, KeystoneLogin(http, c));
  auto it = session.endpoints.find(service_type);
  if (it == session.endpoints.end()) {
    return absl::NotFoundError(absl::StrCat(
        "keystone: ", c.user, " in project ", c.project, ": the catalog has no public ",
        service_type, " endpoint", c.region.empty() ? "" : absl::StrCat(" in region ", c.region)));
  }
  return KeystoneToken{session.token, it->second};
}

}  // namespace dm
