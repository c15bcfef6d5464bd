// AWS Signature Version 4 (docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv.html): the
// one signer for every AWS API DeployMachine calls, S3 (object storage) and EC2 (servers).
// Proven on AWS's published test suite (sigv4_test.cc) and S3's documented examples.
#ifndef DM_CONTROLLER_PROVIDERS_AWS_SIGV4_H_
#define DM_CONTROLLER_PROVIDERS_AWS_SIGV4_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"

namespace dm {

struct SigV4Key {
  std::string access_key;
  std::string secret_key;  // never logged
  std::string region;      // "us-east-1"
  std::string service;     // "s3", "ec2"
};

struct SigV4Request {
  std::string method;
  std::string path;  // as sent, already percent-encoded ("/", "/bucket/key")
  std::vector<std::pair<std::string, std::string>> query;  // decoded; encoded while signing
  // The headers to sign, `host` among them, names in any case. x-amz-date is added.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string payload_sha256;  // hex
};

struct SigV4Signature {
  std::string amz_date;       // the x-amz-date header to send: "20150830T123600Z"
  std::string authorization;  // the Authorization header to send
  std::string canonical_request, string_to_sign;  // for tests and debugging, never logged
};

SigV4Signature SignV4(const SigV4Request& request, const SigV4Key& key, absl::Time now);

}  // namespace dm

#endif  // DM_CONTROLLER_PROVIDERS_AWS_SIGV4_H_
