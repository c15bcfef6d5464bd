// Cookbook bundles: the controller's deploy folder (cookbooks/ and roles/) as a content-
// addressed set of files that converge commands name by hash. Agents keep blobs by SHA-256 and
// fetch only the ones they lack, so a re-converge with unchanged cookbooks sends no file at all.
#ifndef DM_COMMON_BUNDLE_BUNDLE_H_
#define DM_COMMON_BUNDLE_BUNDLE_H_

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "dm/v1/agent.pb.h"

namespace dm {

struct Bundle {
  std::string hash;                          // over the sorted (path, sha256, size) list
  std::vector<dm::v1::BundleFile> files;     // sorted by path
  std::map<std::string, std::string> blobs;  // sha256 -> content

  bool HasRole(const std::string& role) const;
};

// Reads DEPLOY_DIR/cookbooks and DEPLOY_DIR/roles (regular files; hidden names are left out).
// InvalidArgument naming a symbolic link under them (nothing outside the folder can be sent);
// FailedPrecondition if the folder has neither; ResourceExhausted beyond `max_bytes`.
absl::StatusOr<std::shared_ptr<const Bundle>> BuildBundle(const std::string& deploy_dir,
                                                          size_t max_bytes = 256u << 20);

// The bundles of recent converges, by hash, for answering agents' blob requests. Thread-safe.
class BundleCache {
 public:
  explicit BundleCache(size_t keep = 8) : keep_(keep) {}
  void Add(std::shared_ptr<const Bundle> bundle);
  std::shared_ptr<const Bundle> Find(const std::string& hash) const;

 private:
  const size_t keep_;
  mutable std::mutex mu_;
  std::vector<std::shared_ptr<const Bundle>> recent_ ABSL_GUARDED_BY(mu_);  // newest last
};

}  // namespace dm

#endif  // DM_COMMON_BUNDLE_BUNDLE_H_
