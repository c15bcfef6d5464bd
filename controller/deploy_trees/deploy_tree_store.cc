#include "controller/deploy_trees/deploy_tree_store.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/files.h"
#include "common/random.h"
#include "common/status_macros.h"
#include "common/tls/digest.h"

namespace dm {
namespace {

namespace fs = std::filesystem;

bool IsSha256(const std::string& text) {
  return text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) {
           return absl::ascii_isdigit(c) || (c >= 'a' && c <= 'f');
         });
}

// cookbooks/... or roles/..., each part a plain name: nothing that could leave the folder.
bool IsTreePath(const std::string& path) {
  if (!absl::StartsWith(path, "cookbooks/") && !absl::StartsWith(path, "roles/")) return false;
  for (absl::string_view part : absl::StrSplit(path, '/')) {
    if (part.empty() || part == "." || part == ".." || part.front() == '.') return false;
  }
  return path.find('\0') == std::string::npos && path.size() < 1024;
}

}  // namespace

std::string DeployTreeStore::BlobPath(const std::string& sha256) const {
  return absl::StrCat(dir_, "/blobs/", sha256.substr(0, 2), "/", sha256);
}

absl::StatusOr<std::vector<std::string>> DeployTreeStore::Missing(
    const std::vector<std::string>& sha256s) {
  std::vector<std::string> missing;
  for (const std::string& sha : sha256s) {
    if (!IsSha256(sha))
      return absl::InvalidArgumentError(absl::StrCat("not a SHA-256: ", sha.substr(0, 80)));
    if (!PathExists(BlobPath(sha))) missing.push_back(sha);
  }
  return missing;
}

absl::Status DeployTreeStore::Put(const std::string& sha256, const std::string& content) {
  if (!IsSha256(sha256)) return absl::InvalidArgumentError("not a SHA-256");
  if (content.size() > kMaxBlobBytes) {
    return absl::InvalidArgumentError(absl::StrCat("a file of ", content.size() >> 20,
                                                   " MB; cookbooks' files are at most ",
                                                   kMaxBlobBytes >> 20, " MB"));
  }
  if (Sha256Hex(content) != sha256)
    return absl::InvalidArgumentError(
        absl::StrCat("blob ", sha256, ": its content has another hash"));
  const std::string path = BlobPath(sha256);
  if (PathExists(path)) return absl::OkStatus();
  DM_RETURN_IF_ERROR(MakeDirectories(fs::path(path).parent_path().string(), 0700));
  return WriteFileAtomic(path, content, 0600);
}

std::string DeployTreeStore::TreeHash(std::vector<dm::v1::BundleFile> files) {
  std::sort(
      files.begin(), files.end(),
      [](const dm::v1::BundleFile& a, const dm::v1::BundleFile& b) { return a.path() < b.path(); });
  std::string manifest;
  for (const dm::v1::BundleFile& f : files)
    absl::StrAppend(&manifest, f.sha256(), " ", f.path(), "\n");
  return Sha256Hex(manifest);
}

absl::StatusOr<std::string> DeployTreeStore::Build(const std::vector<dm::v1::BundleFile>& files) {
  if (files.empty()) return absl::InvalidArgumentError("an empty deploy folder");
  if (files.size() > kMaxTreeFiles)
    return absl::InvalidArgumentError(absl::StrCat("more than ", kMaxTreeFiles, " files"));
  std::vector<std::string> paths;
  for (const dm::v1::BundleFile& f : files) {
    if (!IsTreePath(f.path())) {
      return absl::InvalidArgumentError(
          absl::StrCat("'", f.path().substr(0, 200), "' is not a file under cookbooks/ or roles/"));
    }
    if (!IsSha256(f.sha256()))
      return absl::InvalidArgumentError(absl::StrCat(f.path(), ": not a SHA-256"));
    paths.push_back(f.path());
  }
  std::sort(paths.begin(), paths.end());
  if (std::adjacent_find(paths.begin(), paths.end()) != paths.end())
    return absl::InvalidArgumentError("a path named twice");

  const std::string hash = TreeHash(files);
  const std::string tree = absl::StrCat(dir_, "/trees/", hash);
  std::lock_guard<std::mutex> lock(mu_);
  if (PathExists(tree)) return hash;
  // Built beside, then renamed into place: a tree folder is whole or absent.
  const std::string building = absl::StrCat(dir_, "/trees/.building-", RandomToken(12));
  size_t total = 0;
  auto cleanup = [&] {
    std::error_code ec;
    fs::remove_all(building, ec);
  };
  for (const dm::v1::BundleFile& f : files) {
    absl::StatusOr<std::string> content = ReadFile(BlobPath(f.sha256()));
    if (!content.ok()) {
      cleanup();
      return absl::FailedPreconditionError(
          absl::StrCat(f.path(), ": the controller has no blob ", f.sha256(), " (send it first)"));
    }
    total += content->size();
    if (total > kMaxTreeBytes) {
      cleanup();
      return absl::InvalidArgumentError(
          absl::StrCat("a deploy folder over ", kMaxTreeBytes >> 20, " MB"));
    }
    const std::string path = absl::StrCat(building, "/", f.path());
    absl::Status made = MakeDirectories(fs::path(path).parent_path().string(), 0700);
    if (made.ok()) made = WriteFileAtomic(path, *content, 0600);
    if (!made.ok()) {
      cleanup();
      return made;
    }
  }
  std::error_code ec;
  fs::rename(building, tree, ec);
  if (ec) {
    cleanup();
    return absl::InternalError(absl::StrCat("keeping deploy tree ", hash, ": ", ec.message()));
  }
  return hash;
}

absl::StatusOr<std::string> DeployTreeStore::PathOf(const std::string& hash) const {
  if (!IsSha256(hash)) return absl::NotFoundError("no such deploy tree");
  const std::string tree = absl::StrCat(dir_, "/trees/", hash);
  if (!PathExists(tree))
    return absl::NotFoundError(absl::StrCat("deploy tree ", hash, " is not on this controller"));
  return tree;
}

}  // namespace dm
