#include "agent/converge/cached_bundles.h"

#include <unistd.h>

#include <filesystem>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/files.h"
#include "common/tls/digest.h"

namespace dm {
namespace {

bool IsHexDigest(const std::string& s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// A bundle path must stay inside the bundle: relative, no "..", under cookbooks/ or roles/.
bool SafeBundlePath(const std::string& path) {
  if (path.empty() || path[0] == '/') return false;
  if (!absl::StartsWith(path, "cookbooks/") && !absl::StartsWith(path, "roles/")) return false;
  for (absl::string_view part : absl::StrSplit(path, '/')) {
    if (part.empty() || part == "." || part == "..") return false;
  }
  return true;
}

}  // namespace

CachedBundles::CachedBundles(std::string state_dir) : root_(std::move(state_dir) + "/cache") {}

std::vector<std::string> CachedBundles::Missing(
    const google::protobuf::RepeatedPtrField<dm::v1::BundleFile>& files) const {
  std::set<std::string> missing;
  for (const auto& f : files) {
    if (!PathExists(absl::StrCat(root_, "/blobs/", f.sha256()))) missing.insert(f.sha256());
  }
  return {missing.begin(), missing.end()};
}

absl::Status CachedBundles::Put(const std::string& sha256, const std::string& data) {
  if (!IsHexDigest(sha256))
    return absl::InvalidArgumentError(absl::StrCat("'", sha256, "' is not a SHA-256"));
  if (Sha256Hex(data) != sha256) {
    return absl::DataLossError(
        absl::StrCat("blob ", sha256, " arrived with other content; not stored"));
  }
  if (absl::Status s = MakeDirectories(root_ + "/blobs", 0700); !s.ok()) return s;
  return WriteFileAtomic(absl::StrCat(root_, "/blobs/", sha256), data, 0600);
}

absl::StatusOr<std::string> CachedBundles::Materialize(
    const std::string& bundle_hash,
    const google::protobuf::RepeatedPtrField<dm::v1::BundleFile>& files) {
  if (!IsHexDigest(bundle_hash)) return absl::InvalidArgumentError("bad bundle hash");
  std::string dir = absl::StrCat(root_, "/bundles/", bundle_hash);
  if (PathExists(dir)) return dir;
  // Built beside, then renamed: a crash never leaves a half-built bundle under its name.
  std::string temp = absl::StrCat(dir, ".building.", ::getpid());
  std::error_code ec;
  std::filesystem::remove_all(temp, ec);
  for (const auto& f : files) {
    if (!SafeBundlePath(f.path()))
      return absl::InvalidArgumentError(absl::StrCat("unsafe path in bundle: ", f.path()));
    if (!IsHexDigest(f.sha256()))
      return absl::InvalidArgumentError(absl::StrCat("bad hash for ", f.path()));
    std::string target = absl::StrCat(temp, "/", f.path());
    if (absl::Status s =
            MakeDirectories(std::filesystem::path(target).parent_path().string(), 0700);
        !s.ok())
      return s;
    std::filesystem::copy_file(absl::StrCat(root_, "/blobs/", f.sha256()), target, ec);
    if (ec)
      return absl::InternalError(absl::StrCat("building bundle: ", f.path(), ": ", ec.message()));
  }
  if (absl::Status s = MakeDirectories(temp, 0700); !s.ok()) return s;
  std::filesystem::rename(temp, dir, ec);
  if (ec && !PathExists(dir))
    return absl::InternalError(absl::StrCat("building bundle: ", ec.message()));
  return dir;
}

}  // namespace dm
