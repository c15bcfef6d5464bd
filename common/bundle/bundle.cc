#include "common/bundle/bundle.h"

#include <algorithm>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "common/files.h"
#include "common/tls/digest.h"

namespace dm {

bool Bundle::HasRole(const std::string& role) const {
  std::string path = absl::StrCat("roles/", role, ".yaml");
  return std::any_of(files.begin(), files.end(),
                     [&](const dm::v1::BundleFile& f) { return f.path() == path; });
}

absl::StatusOr<std::shared_ptr<const Bundle>> BuildBundle(const std::string& deploy_dir,
                                                          size_t max_bytes) {
  namespace fs = std::filesystem;
  auto bundle = std::make_shared<Bundle>();
  size_t total = 0;
  bool found_any = false;
  for (const char* top : {"cookbooks", "roles"}) {
    fs::path root = fs::path(deploy_dir) / top;
    std::error_code ec;
    if (!fs::is_directory(root, ec)) continue;
    found_any = true;
    for (auto it = fs::recursive_directory_iterator(root, ec);
         it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (ec)
        return absl::InternalError(absl::StrCat("reading ", root.string(), ": ", ec.message()));
      std::string name = it->path().filename().string();
      if (name[0] == '.') {
        if (it->is_directory()) it.disable_recursion_pending();
        continue;
      }
      // A link could lead anywhere on this machine: refused by name, its target never read, so
      // that a recipe's source cannot send what lies outside the deploy folder.
      if (it->is_symlink()) {
        return absl::InvalidArgumentError(absl::StrCat(
            it->path().lexically_relative(deploy_dir).string(),
            " is a symbolic link: cookbooks and roles hold regular files only (copy the file in)"));
      }
      if (!it->is_regular_file()) continue;
      absl::StatusOr<std::string> content = ReadFile(it->path().string());
      if (!content.ok()) return content.status();
      total += content->size();
      if (total > max_bytes) {
        return absl::ResourceExhaustedError(
            absl::StrCat(deploy_dir, " holds more than ", max_bytes >> 20,
                         " MB of cookbooks; keep large artefacts out of them"));
      }
      dm::v1::BundleFile file;
      file.set_path(fs::relative(it->path(), deploy_dir).string());
      file.set_sha256(Sha256Hex(*content));
      file.set_size(content->size());
      bundle->blobs[file.sha256()] = std::move(*content);
      bundle->files.push_back(std::move(file));
    }
  }
  if (!found_any) {
    return absl::FailedPreconditionError(absl::StrCat(
        deploy_dir, " has neither cookbooks/ nor roles/ (start the controller with --deploy-dir)"));
  }
  std::sort(
      bundle->files.begin(), bundle->files.end(),
      [](const dm::v1::BundleFile& a, const dm::v1::BundleFile& b) { return a.path() < b.path(); });
  std::string manifest;
  for (const auto& f : bundle->files)
    absl::StrAppend(&manifest, f.path(), "\t", f.sha256(), "\t", f.size(), "\n");
  bundle->hash = Sha256Hex(manifest);
  return std::shared_ptr<const Bundle>(std::move(bundle));
}

void BundleCache::Add(std::shared_ptr<const Bundle> bundle) {
  std::lock_guard<std::mutex> lock(mu_);
  recent_.erase(std::remove_if(recent_.begin(), recent_.end(),
                               [&](const auto& b) { return b->hash == bundle->hash; }),
                recent_.end());
  recent_.push_back(std::move(bundle));
  if (recent_.size() > keep_) recent_.erase(recent_.begin());
}

std::shared_ptr<const Bundle> BundleCache::Find(const std::string& hash) const {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& b : recent_) {
    if (b->hash == hash) return b;
  }
  return nullptr;
}

}  // namespace dm
