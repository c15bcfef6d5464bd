// CloudProvider over Amazon EC2's Query API (docs.aws.amazon.com/AWSEC2/latest/APIReference/,
// version 2016-11-15), every call signed with Signature Version 4 (aws/sigv4.h): instances run
// with an imported key pair, a security group admitting SSH, the role's ports and the other
// DeployMachine servers of the group, and tags (Name, dm-server, dm-fleet, dm-role,
// deploymachine=1). Reads are GETs (retried after any 5xx); RunInstances carries a ClientToken
// made from the server's name and user data, so EC2 itself never starts a twin for a repeated
// call, and a server found by its tag is adopted before anything is asked.
#ifndef DM_CONTROLLER_PROVIDERS_CLOUD_EC2_PROVIDER_H_
#define DM_CONTROLLER_PROVIDERS_CLOUD_EC2_PROVIDER_H_

#include <map>
#include <string>
#include <vector>

#include "common/http/http_client.h"
#include "common/xml/xml_tree.h"
#include "controller/providers/cloud/hosted_cloud.h"
#include "controller/providers/cloud_provider.h"

namespace dm {

struct Ec2Options {
  HostedCloudOptions cloud;  // api_token unused; region is the EC2 region ("eu-central-1")
  std::string access_key;
  std::string secret_key;  // secret
  // Where new instances go ("" : the region's default VPC and its subnets).
  std::string subnet_id;
};

class Ec2Provider : public CloudProvider {
 public:
  // `http` is not owned; it should retry (RetryingHttpClient). cloud.api_url defaults to
  // https://ec2.REGION.amazonaws.com.
  Ec2Provider(HttpClient* http, Ec2Options options);

  std::string name() const override { return options_.cloud.name; }
  std::string type() const override { return "ec2"; }
  absl::StatusOr<ServerInfo> Create(const ServerSpec& spec, const ProgressFn& progress) override;
  absl::StatusOr<std::vector<ServerInfo>> List() override;
  absl::StatusOr<ServerInfo> Get(const std::string& name) override;
  absl::Status Delete(const std::string& name) override;

 private:
  using Params = std::vector<std::pair<std::string, std::string>>;
  // One action; reads go as GET, changes as POST. The answer's root element, or the API's
  // error in words.
  absl::StatusOr<xml::Element> Call(const std::string& action, Params params, bool read);
  // Every live instance (not terminated) with the tag `key` = `value`, all pages.
  absl::StatusOr<std::vector<ServerInfo>> Tagged(const std::string& key, const std::string& value);
  absl::StatusOr<std::string> EnsureKeyPair(const std::string& public_key);
  absl::StatusOr<std::string> EnsureSecurityGroup(std::vector<int> ports,
                                                  const std::vector<std::string>& admit_from);

  HttpClient* const http_;
  Ec2Options options_;
  std::string endpoint_;
};

}  // namespace dm

#endif  // DM_CONTROLLER_PROVIDERS_CLOUD_EC2_PROVIDER_H_
