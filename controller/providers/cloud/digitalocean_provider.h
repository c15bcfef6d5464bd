// CloudProvider over DigitalOcean's API v2 (docs.digitalocean.com/reference/api/): droplets,
// account SSH keys and cloud firewalls, with a Bearer token.
//
// DigitalOcean tags are plain words, so a server's tags are written "KEY:VALUE" (dm-server:web-1,
// dm-fleet:shop) beside the word `deploymachine` that every server DeployMachine boots carries.
// The firewall is found by name (dm-tcp-22-80-443 for a server that opens 80 and 443) and applied
// through a tag of the same name; it also admits everything from the other DeployMachine
// servers (the fleet's own traffic over the private network).
#ifndef DM_CONTROLLER_PROVIDERS_CLOUD_DIGITALOCEAN_PROVIDER_H_
#define DM_CONTROLLER_PROVIDERS_CLOUD_DIGITALOCEAN_PROVIDER_H_

#include <string>
#include <vector>

#include "controller/providers/cloud/hosted_cloud.h"
#include "controller/providers/cloud/json_api.h"
#include "controller/providers/cloud_provider.h"

namespace dm {

class DigitalOceanProvider : public CloudProvider {
 public:
  // `http` is not owned; it should retry (RetryingHttpClient). options.api_url defaults to
  // https://api.digitalocean.com.
  DigitalOceanProvider(HttpClient* http, HostedCloudOptions options);

  std::string name() const override { return options_.name; }
  std::string type() const override { return "digitalocean"; }
  absl::StatusOr<ServerInfo> Create(const ServerSpec& spec, const ProgressFn& progress) override;
  absl::StatusOr<std::vector<ServerInfo>> List() override;
  absl::StatusOr<ServerInfo> Get(const std::string& name) override;
  absl::Status Delete(const std::string& name) override;

 private:
  // Every droplet carrying `tag`, all pages.
  absl::StatusOr<std::vector<ServerInfo>> Tagged(const std::string& tag);
  absl::StatusOr<long long> EnsureSshKey(const std::string& public_key);
  // The firewall's tag.
  absl::StatusOr<std::string> EnsureFirewall(std::vector<int> ports,
                                             const std::vector<std::string>& admit_from);

  HostedCloudOptions options_;
  JsonApi api_;
};

}  // namespace dm

#endif  // DM_CONTROLLER_PROVIDERS_CLOUD_DIGITALOCEAN_PROVIDER_H_
