#include "controller/providers/storage/swift_store.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "common/tls/digest.h"
#include "controller/providers/keystone/keystone_auth.h"
#include "nlohmann/json.hpp"

namespace dm {
namespace {

// Swift's errors come as a short text body ("<html><h1>Unauthorized</h1>..."): enough to say
// which call failed and how, never the request's headers (the token).
absl::Status SwiftError(const std::string& what, const HttpResponse& r) {
  std::string body = r.body.substr(0, 200);
  std::replace(body.begin(), body.end(), '\n', ' ');
  std::string message =
      absl::StrCat("swift: ", what, ": HTTP ", r.status, body.empty() ? "" : ": ", body);
  return absl::Status(r.ErrorCode(), message);
}

}  // namespace

std::string SwiftObjectStore::name() const {
  return absl::StrCat("swift:", options_.auth_url, " ", options_.container);
}

std::string SwiftObjectStore::ObjectPath(const std::string& key) const {
  return absl::StrCat("/", UrlEncode(options_.container), "/", EncodeObjectKey(key));
}

absl::StatusOr<SwiftObjectStore::Session> SwiftObjectStore::CurrentSession(bool renew) {
  absl::MutexLock lock(&mu_);
  if (!renew && !session_.token.empty()) return session_;
  if (options_.auth_version == 3) {
    DM_ASSIGN_OR_RETURN(KeystoneToken keystone,
                        KeystoneAuthenticate(http_,
                                             {options_.auth_url, options_.user, options_.key,
                                              options_.project, options_.domain, options_.region},
                                             "object-store"));
    session_ = {keystone.endpoint, keystone.token};
    return session_;
  }
  HttpRequest auth;
  auth.url = options_.auth_url;
  auth.headers = {{"X-Auth-User", options_.user}, {"X-Auth-Key", options_.key}};
  DM_ASSIGN_OR_RETURN(HttpResponse r, http_->Send(auth));
  if (!r.success()) return SwiftError(absl::StrCat("authenticating as ", options_.user), r);
  Session fresh{r.Header("x-storage-url"), r.Header("x-auth-token")};
  if (fresh.storage_url.empty() || fresh.token.empty()) {
    return absl::UnavailableError(absl::StrCat("swift: ", options_.auth_url,
                                               " answered without X-Storage-Url and X-Auth-Token"));
  }
  session_ = fresh;
  return session_;
}

absl::StatusOr<HttpResponse> SwiftObjectStore::Call(HttpRequest request, const std::string& path) {
  for (bool renew : {false, true}) {
    DM_ASSIGN_OR_RETURN(Session session, CurrentSession(renew));
    HttpRequest sent = request;
    sent.url = session.storage_url + path;
    sent.headers.push_back({"X-Auth-Token", session.token});
    DM_ASSIGN_OR_RETURN(HttpResponse r, http_->Send(sent));
    // Tokens expire (a day with TempAuth): a 401 gets one more try with a new token.
    if (r.status != 401 || renew) return r;
  }
  return absl::InternalError("unreachable");
}

absl::Status SwiftObjectStore::EnsureContainer() {
  {
    absl::MutexLock lock(&mu_);
    if (container_ready_) return absl::OkStatus();
  }
  HttpRequest put;
  put.method = "PUT";
  DM_ASSIGN_OR_RETURN(HttpResponse r, Call(put, absl::StrCat("/", UrlEncode(options_.container))));
  if (!r.success()) return SwiftError(absl::StrCat("creating container ", options_.container), r);
  absl::MutexLock lock(&mu_);
  container_ready_ = true;
  return absl::OkStatus();
}

absl::Status SwiftObjectStore::Put(const std::string& key, const std::string& data) {
  if (!IsObjectKey(key))
    return absl::InvalidArgumentError(absl::StrCat("'", key, "' is not an object key"));
  DM_RETURN_IF_ERROR(EnsureContainer());
  HttpRequest put;
  put.method = "PUT";
  put.body = data;
  put.timeout = absl::Minutes(30);
  // Swift stores the object only if the body's MD5 matches (422 otherwise), and replaces an
  // object whole: a reader sees the old one or the new one.
  put.headers = {{"Content-Type", "application/octet-stream"}, {"ETag", Md5Hex(data)}};
  DM_ASSIGN_OR_RETURN(HttpResponse r, Call(put, ObjectPath(key)));
  if (!r.success()) return SwiftError(absl::StrCat("storing ", key), r);
  return absl::OkStatus();
}

absl::StatusOr<std::string> SwiftObjectStore::Get(const std::string& key) {
  if (!IsObjectKey(key))
    return absl::InvalidArgumentError(absl::StrCat("'", key, "' is not an object key"));
  HttpRequest get;
  get.timeout = absl::Minutes(30);
  DM_ASSIGN_OR_RETURN(HttpResponse r, Call(get, ObjectPath(key)));
  if (r.status == 404)
    return absl::NotFoundError(absl::StrCat("no object '", key, "' in ", name()));
  if (!r.success()) return SwiftError(absl::StrCat("reading ", key), r);
  DM_RETURN_IF_ERROR(CheckDownload("swift", key, r.Header("etag"), r.body));
  return std::move(r.body);
}

absl::StatusOr<std::vector<ObjectInfo>> SwiftObjectStore::List(const std::string& prefix) {
  std::vector<ObjectInfo> out;
  std::string marker;
  while (true) {
    HttpRequest list;
    std::string path =
        absl::StrCat("/", UrlEncode(options_.container), "?format=json&limit=", options_.list_page,
                     "&prefix=", UrlEncode(prefix), "&marker=", UrlEncode(marker));
    DM_ASSIGN_OR_RETURN(HttpResponse r, Call(list, path));
    if (r.status == 404) return out;  // no container yet: nothing stored
    if (!r.success()) return SwiftError(absl::StrCat("listing ", options_.container), r);
    if (r.status == 204 || r.body.empty()) break;
    nlohmann::json page = nlohmann::json::parse(r.body, nullptr, false);
    if (!page.is_array())
      return absl::UnavailableError("swift: a container listing that is not a JSON array");
    for (const nlohmann::json& entry : page) {
      ObjectInfo info;
      info.key = entry.value("name", "");
      info.size = entry.value("bytes", uint64_t{0});
      std::string modified = entry.value("last_modified", "");
      std::string error;
      // Swift writes UTC without a zone: 2026-11-25T22:46:35.641600.
      if (!absl::ParseTime("%Y-%m-%dT%H:%M:%E*S", modified, absl::UTCTimeZone(), &info.modified,
                           &error)) {
        info.modified = absl::UnixEpoch();
      }
      if (IsObjectKey(info.key)) out.push_back(std::move(info));
      marker = entry.value("name", marker);
    }
    if (page.size() < static_cast<size_t>(options_.list_page)) break;
  }
  std::sort(out.begin(), out.end(),
            [](const ObjectInfo& a, const ObjectInfo& b) { return a.key < b.key; });
  return out;
}

absl::Status SwiftObjectStore::Delete(const std::string& key) {
  if (!IsObjectKey(key))
    return absl::InvalidArgumentError(absl::StrCat("'", key, "' is not an object key"));
  HttpRequest del;
  del.method = "DELETE";
  DM_ASSIGN_OR_RETURN(HttpResponse r, Call(del, ObjectPath(key)));
  if (r.status == 404 || r.success()) return absl::OkStatus();
  return SwiftError(absl::StrCat("deleting ", key), r);
}

}  // namespace dm
