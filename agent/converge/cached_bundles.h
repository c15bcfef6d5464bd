// The agent's copy of cookbook bundles: blobs by SHA-256 (each checked against its hash as it
// arrives) and, built from them, one folder per bundle that the cookbook engine loads.
//
//   STATE/cache/blobs/SHA256
//   STATE/cache/bundles/BUNDLE_HASH/{cookbooks,roles}/...
#ifndef DM_AGENT_CONVERGE_CACHED_BUNDLES_H_
#define DM_AGENT_CONVERGE_CACHED_BUNDLES_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "dm/v1/agent.pb.h"

namespace dm {

class CachedBundles {
 public:
  explicit CachedBundles(std::string state_dir);

  // Hashes of `files` whose blobs are not here yet (each once).
  std::vector<std::string> Missing(
      const google::protobuf::RepeatedPtrField<dm::v1::BundleFile>& files) const;
  // Stores a blob. DataLoss if `data` does not hash to `sha256`.
  absl::Status Put(const std::string& sha256, const std::string& data);

  // The folder holding the bundle, built from the blobs the first time. Every blob must be here.
  absl::StatusOr<std::string> Materialize(
      const std::string& bundle_hash,
      const google::protobuf::RepeatedPtrField<dm::v1::BundleFile>& files);

 private:
  std::string root_;
};

}  // namespace dm

#endif  // DM_AGENT_CONVERGE_CACHED_BUNDLES_H_
