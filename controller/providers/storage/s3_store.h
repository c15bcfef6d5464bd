// ObjectStore in an S3 bucket, over the S3 REST API with AWS Signature Version 4: Amazon S3 and
// the S3-compatible stores (Ceph RGW, MinIO, OpenStack Swift's s3api, ...). One object per key in
// one bucket (created on the first write when missing); uploads carry Content-MD5 and their
// SHA-256, so the store refuses a damaged body; listings use ListObjectsV2 with continuation
// tokens. Path-style addressing by default (https://ENDPOINT/BUCKET/KEY), as most compatible
// stores want; virtual-hosted style (https://BUCKET.ENDPOINT/KEY) on request.
#ifndef DM_CONTROLLER_PROVIDERS_STORAGE_S3_STORE_H_
#define DM_CONTROLLER_PROVIDERS_STORAGE_S3_STORE_H_

#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/http/http_client.h"
#include "controller/providers/storage/object_store.h"

namespace dm {

struct S3Options {
  std::string endpoint;  // http(s)://HOST[:PORT], no path
  std::string region = "us-east-1";
  std::string bucket;
  std::string access_key;
  std::string secret_key;  // never logged
  bool virtual_hosted = false;
  int list_page = 1000;  // keys per ListObjectsV2 request (S3 allows up to 1000)
};

// The parts of a request that Signature Version 4 covers (exposed for tests against AWS's
// published examples).
struct S3SigningInput {
  std::string method;
  std::string host;                                        // the Host header's value
  std::string path;                                        // already URI-encoded
  std::vector<std::pair<std::string, std::string>> query;  // decoded; encoded while signing
  std::string payload_sha256;                              // hex
  absl::Time now;
};

// The Authorization header and the x-amz-date value for `input`, signing host,
// x-amz-content-sha256 and x-amz-date (with the one SigV4 signer, aws/sigv4.h).
struct S3Signature {
  std::string authorization;
  std::string amz_date;
};
S3Signature SignS3Request(const S3SigningInput& input, const S3Options& options);

class S3ObjectStore : public ObjectStore {
 public:
  // `http` must outlive the store.
  S3ObjectStore(HttpClient* http, S3Options options) : http_(http), options_(std::move(options)) {}

  std::string name() const override;
  absl::Status Put(const std::string& key, const std::string& data) override;
  absl::StatusOr<std::string> Get(const std::string& key) override;
  absl::StatusOr<std::vector<ObjectInfo>> List(const std::string& prefix) override;
  absl::Status Delete(const std::string& key) override;

 private:
  // Signs and sends; `key` "" addresses the bucket itself.
  absl::StatusOr<HttpResponse> Call(const std::string& method, const std::string& key,
                                    std::vector<std::pair<std::string, std::string>> query,
                                    const std::string& body,
                                    std::vector<std::pair<std::string, std::string>> headers = {});
  absl::Status EnsureBucket();

  HttpClient* http_;
  const S3Options options_;
  absl::Mutex mu_;
  bool bucket_ready_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace dm

#endif  // DM_CONTROLLER_PROVIDERS_STORAGE_S3_STORE_H_
