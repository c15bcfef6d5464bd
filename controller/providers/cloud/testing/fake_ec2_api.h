// A stand-in for Amazon EC2's Query API in the test's process, answering as the published API
// reference says (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/ : "Making requests"
// (GET or POST, Action and Version), "Signature Version 4" (every request's signature checked
// against the fake's secret), DescribeInstances (Filter.N, MaxResults, NextToken; terminated
// instances stay listed unless filtered), RunInstances (ClientToken idempotency, TagSpecification),
// TerminateInstances, DescribeKeyPairs, ImportKeyPair, DescribeSecurityGroups,
// CreateSecurityGroup, AuthorizeSecurityGroupIngress; "Error codes": <Response><Errors><Error>
// Code/Message, AuthFailure 401, SignatureDoesNotMatch 403, RequestLimitExceeded 503).
// An instance answers "pending" for two reads, then "running" with ipAddress and
// privateIpAddress.
#ifndef DM_CONTROLLER_PROVIDERS_CLOUD_TESTING_FAKE_EC2_API_H_
#define DM_CONTROLLER_PROVIDERS_CLOUD_TESTING_FAKE_EC2_API_H_

#include <map>
#include <set>

#include "controller/providers/cloud/testing/fake_cloud_api.h"

namespace dm::testing {

class FakeEc2Api : public FakeCloudApi {
 public:
  static constexpr const char* kAccessKey = "AKIDEXAMPLE";
  static constexpr const char* kRegion = "eu-central-1";

  // `secret_key`: the access key's secret, which every request's signature must prove.
  static absl::StatusOr<std::unique_ptr<FakeEc2Api>> Start(std::string secret_key);

 private:
  FakeHttpResponse Handle(const FakeHttpRequest& request) override;
  // "" when the request is signed by the access key; else the error code.
  std::string CheckSignature(const FakeHttpRequest& request);

  std::map<std::string, long long> client_tokens_;  // RunInstances' ClientToken -> instance id
  std::set<long long> terminated_;
};

}  // namespace dm::testing

#endif  // DM_CONTROLLER_PROVIDERS_CLOUD_TESTING_FAKE_EC2_API_H_
