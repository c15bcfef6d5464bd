// Deploy folders (cookbooks/ and roles/) that dmctl sends with a fleet, so that a controller on
// another machine converges exactly what the operator has beside the fleet file. Content-
// addressed: dmctl asks which files' contents (blobs, by SHA-256) the controller lacks and sends
// only those; a fleet then names its tree by the list of (path, sha256), and the controller
// builds the folder once, under DATA_DIR/deploy/trees/HASH, from its blobs in
// DATA_DIR/deploy/blobs/. Trees are never changed once built; a fleet's record keeps its tree's
// hash, so later operations (deploy, scale, healing) use the same cookbooks.
#ifndef DM_CONTROLLER_DEPLOY_TREES_DEPLOY_TREE_STORE_H_
#define DM_CONTROLLER_DEPLOY_TREES_DEPLOY_TREE_STORE_H_

#include <mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "dm/v1/agent.pb.h"

namespace dm {

class DeployTreeStore {
 public:
  // Limits on what a client may send: blobs and whole trees.
  static constexpr size_t kMaxBlobBytes = 32u << 20;
  static constexpr size_t kMaxTreeBytes = 256u << 20;
  static constexpr size_t kMaxTreeFiles = 20000;

  explicit DeployTreeStore(std::string dir) : dir_(std::move(dir)) {}

  // The ones of `sha256s` the store has no blob for (each a 64-digit lower-case hex string, or
  // InvalidArgument).
  absl::StatusOr<std::vector<std::string>> Missing(const std::vector<std::string>& sha256s);
  // Keeps `content` as a blob; InvalidArgument when its SHA-256 is not `sha256`.
  absl::Status Put(const std::string& sha256, const std::string& content);
  // The tree of `files` (paths relative to the deploy folder, under cookbooks/ or roles/): its
  // hash, the folder built when it was not there yet. FailedPrecondition naming a blob it lacks;
  // InvalidArgument for a path that leaves the folder or a tree over the limits.
  absl::StatusOr<std::string> Build(const std::vector<dm::v1::BundleFile>& files);
  // The folder of tree `hash`; NotFound when it was never built here.
  absl::StatusOr<std::string> PathOf(const std::string& hash) const;

  // The hash a tree of `files` has, whatever their order.
  static std::string TreeHash(std::vector<dm::v1::BundleFile> files);

 private:
  std::string BlobPath(const std::string& sha256) const;

  const std::string dir_;
  std::mutex mu_;  // one Build at a time: two of the same tree must not race on its folder
};

}  // namespace dm

#endif  // DM_CONTROLLER_DEPLOY_TREES_DEPLOY_TREE_STORE_H_
