// CloudProvider over OpenStack: Keystone v3 (password, project-scoped token and catalog), Nova
// v2.1 (servers with tags, user data and a key pair; microversion 2.79), Neutron (the network
// whose address a server gets, and a security group) and Glance (images by name). Every
// OpenStack cloud, and the seed's Rackspace lineage.
//
// Servers carry the tags `deploymachine` and `dm-server:NAME` (Nova filters by tags, 2.26+; it
// ignores a metadata filter, so metadata only repeats the fleet and role for people), which is
// how they are listed and found again after a crash.
#ifndef DM_CONTROLLER_PROVIDERS_CLOUD_OPENSTACK_PROVIDER_H_
#define DM_CONTROLLER_PROVIDERS_CLOUD_OPENSTACK_PROVIDER_H_

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "common/http/http_client.h"
#include "controller/providers/cloud/hosted_cloud.h"
#include "controller/providers/cloud_provider.h"
#include "controller/providers/keystone/keystone_auth.h"
#include "nlohmann/json_fwd.hpp"

namespace dm {

struct OpenStackOptions {
  HostedCloudOptions cloud;  // image (name or id), size (a flavor's name or id), region
  KeystoneCredentials auth;  // auth_url, user, password (secret), project, domain, region
  std::string network;       // the network servers get their address on (name or id)
  // Service type -> URL, over the catalog's (a cloud whose catalog is wrong, or a test's proxy).
  std::map<std::string, std::string> endpoints;
};

class OpenStackProvider : public CloudProvider {
 public:
  OpenStackProvider(HttpClient* http, OpenStackOptions options)
      : http_(http), options_(std::move(options)) {}

  std::string name() const override { return options_.cloud.name; }
  std::string type() const override { return "openstack"; }
  absl::StatusOr<ServerInfo> Create(const ServerSpec& spec, const ProgressFn& progress) override;
  absl::StatusOr<std::vector<ServerInfo>> List() override;
  absl::StatusOr<ServerInfo> Get(const std::string& name) override;
  absl::Status Delete(const std::string& name) override;

 private:
  // One call to the service of `service_type`; a token is fetched (again, once, after a 401)
  // as needed. The answer's JSON (null for an empty body), or the service's error in words.
  absl::StatusOr<nlohmann::json> Call(const std::string& service_type, const std::string& method,
                                      const std::string& path,
                                      const nlohmann::json* body = nullptr);
  absl::StatusOr<KeystoneSession> Session(bool renew);
  // Every server with the tag, all pages.
  absl::StatusOr<std::vector<ServerInfo>> Tagged(const std::string& tag);
  absl::StatusOr<std::string> EnsureKeyPair(const std::string& public_key);
  absl::StatusOr<std::string> EnsureSecurityGroup(std::vector<int> ports,
                                                  const std::vector<std::string>& admit_from);
  // The id of the item of `kind` whose name or id is `wanted`.
  absl::StatusOr<std::string> ImageId(const std::string& wanted);
  absl::StatusOr<std::string> FlavorId(const std::string& wanted);
  absl::StatusOr<std::string> NetworkId(const std::string& wanted);

  HttpClient* const http_;
  const OpenStackOptions options_;
  std::mutex mu_;
  std::optional<KeystoneSession> session_ ABSL_GUARDED_BY(mu_);
};

}  // namespace dm

#endif  // DM_CONTROLLER_PROVIDERS_CLOUD_OPENSTACK_PROVIDER_H_
