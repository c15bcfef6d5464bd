// ObjectStore in an OpenStack Swift container, over Swift's object storage API (v1): the
// account's storage URL and a token from Keystone v3 (OpenStack clouds: keystone_auth.h) or from
// the v1 authentication endpoint (TempAuth, SwAuth: GET AUTH_URL with X-Auth-User/X-Auth-Key),
// one object per key in one container (created on the first write). Uploads carry their MD5 as
// ETag, so Swift refuses a body that arrived damaged; listings page with `marker`; an expired token
// is renewed once.
#ifndef DM_CONTROLLER_PROVIDERS_STORAGE_SWIFT_STORE_H_
#define DM_CONTROLLER_PROVIDERS_STORAGE_SWIFT_STORE_H_

#include <string>

#include "absl/synchronization/mutex.h"
#include "common/http/http_client.h"
#include "controller/providers/storage/object_store.h"

namespace dm {

struct SwiftOptions {
  std::string auth_url;   // v1: http(s)://HOST[:PORT]/auth/v1.0; v3: Keystone's, .../v3
  std::string user;       // v1: ACCOUNT:USER; v3: the user's name
  std::string key;        // the key or password: never logged
  std::string container;  // created when missing
  int list_page = 1000;   // objects per listing request (Swift allows up to 10000)
  int auth_version = 1;   // 1 or 3 (Keystone)
  // Keystone only: the project, the user's and project's domain, the catalog's region.
  std::string project;
  std::string domain = "Default";
  std::string region;
};

class SwiftObjectStore : public ObjectStore {
 public:
  // `http` must outlive the store.
  SwiftObjectStore(HttpClient* http, SwiftOptions options)
      : http_(http), options_(std::move(options)) {}

  std::string name() const override;
  absl::Status Put(const std::string& key, const std::string& data) override;
  absl::StatusOr<std::string> Get(const std::string& key) override;
  absl::StatusOr<std::vector<ObjectInfo>> List(const std::string& prefix) override;
  absl::Status Delete(const std::string& key) override;

 private:
  struct Session {
    std::string storage_url;
    std::string token;
  };
  // The cached session, or a new one from the auth endpoint.
  absl::StatusOr<Session> CurrentSession(bool renew);
  // Sends `request` to STORAGE_URL + `path` with the token; a 401 renews the token once.
  absl::StatusOr<HttpResponse> Call(HttpRequest request, const std::string& path);
  absl::Status EnsureContainer();
  std::string ObjectPath(const std::string& key) const;

  HttpClient* http_;
  const SwiftOptions options_;
  absl::Mutex mu_;
  Session session_ ABSL_GUARDED_BY(mu_);
  bool container_ready_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace dm

#endif  // DM_CONTROLLER_PROVIDERS_STORAGE_SWIFT_STORE_H_
