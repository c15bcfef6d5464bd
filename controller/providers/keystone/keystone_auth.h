// OpenStack Identity (Keystone) v3 password authentication, for services found through its
// catalog: POST AUTH_URL/auth/tokens with the user's name, password and domain, scoped to a
// project; the token comes back in X-Subject-Token and the catalog in the body, where the
// service's public endpoint (in the region, when one is named) is looked up.
#ifndef DM_CONTROLLER_PROVIDERS_KEYSTONE_KEYSTONE_AUTH_H_
#define DM_CONTROLLER_PROVIDERS_KEYSTONE_KEYSTONE_AUTH_H_

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/http/http_client.h"

namespace dm {

struct KeystoneCredentials {
  std::string auth_url;  // https://keystone.example.com:5000/v3
  std::string user;
  std::string password;  // never logged
  std::string project;
  std::string domain = "Default";  // the user's and the project's domain, by name
  std::string region;              // "": the first public endpoint of the service
};

struct KeystoneToken {
  std::string token;
  std::string endpoint;  // the service's public URL
};

// A project-scoped token with the catalog's public endpoints (in the region, when one is named).
struct KeystoneSession {
  std::string token;  // secret
  absl::Time expires = absl::InfiniteFuture();
  std::map<std::string, std::string> endpoints;  // service type ("compute") -> public URL
};

absl::StatusOr<KeystoneSession> KeystoneLogin(HttpClient* http,
                                              const KeystoneCredentials& credentials);

// A token scoped to the project, and the public endpoint of the catalog's service of
// `service_type` ("object-store").
absl::StatusOr<KeystoneToken> KeystoneAuthenticate(HttpClient* http,
                                                   const KeystoneCredentials& credentials,
                                                   const std::string& service_type);

}  // namespace dm

#endif  // DM_CONTROLLER_PROVIDERS_KEYSTONE_KEYSTONE_AUTH_H_
