// CloudProvider over the Hetzner Cloud API v1 (docs.hetzner.cloud): servers, SSH keys and
// firewalls, with a Bearer token. A server's tags are Hetzner labels (dm-server=web-1,
// dm-fleet=shop, deploymachine=1), and servers are listed with a label selector. Hetzner
// firewalls filter only public interfaces, so the fleet's private-network traffic passes.
#ifndef DM_CONTROLLER_PROVIDERS_CLOUD_HETZNER_PROVIDER_H_
#define DM_CONTROLLER_PROVIDERS_CLOUD_HETZNER_PROVIDER_H_

#include <string>
#include <vector>

#include "controller/providers/cloud/hosted_cloud.h"
#include "controller/providers/cloud/json_api.h"
#include "controller/providers/cloud_provider.h"

namespace dm {

class HetznerProvider : public CloudProvider {
 public:
  // options.api_url defaults to https://api.hetzner.cloud.
  HetznerProvider(HttpClient* http, HostedCloudOptions options);

  std::string name() const override { return options_.name; }
  std::string type() const override { return "hetzner"; }
  absl::StatusOr<ServerInfo> Create(const ServerSpec& spec, const ProgressFn& progress) override;
  absl::StatusOr<std::vector<ServerInfo>> List() override;
  absl::StatusOr<ServerInfo> Get(const std::string& name) override;
  absl::Status Delete(const std::string& name) override;

 private:
  // Every server matching the label selector, all pages.
  absl::StatusOr<std::vector<ServerInfo>> Selected(const std::string& selector);
  absl::StatusOr<long long> EnsureSshKey(const std::string& public_key);
  absl::StatusOr<long long> EnsureFirewall(std::vector<int> ports,
                                           const std::vector<std::string>& admit_from);

  HostedCloudOptions options_;
  JsonApi api_;
};

}  // namespace dm

#endif  // DM_CONTROLLER_PROVIDERS_CLOUD_HETZNER_PROVIDER_H_
