#include "controller/providers/storage/local_directory_store.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "common/files.h"
#include "common/status_macros.h"

namespace dm {

absl::StatusOr<std::string> LocalDirectoryStore::PathOf(const std::string& key) const {
  if (!IsObjectKey(key))
    return absl::InvalidArgumentError(absl::StrCat("'", key, "' is not an object key"));
  return absl::StrCat(dir_, "/", key);
}

absl::Status LocalDirectoryStore::Put(const std::string& key, const std::string& data) {
  DM_ASSIGN_OR_RETURN(std::string path, PathOf(key));
  DM_RETURN_IF_ERROR(MakeDirectories(Dirname(path), 0700));
  return WriteFileAtomic(path, data, 0600);
}

absl::StatusOr<std::string> LocalDirectoryStore::Get(const std::string& key) {
  DM_ASSIGN_OR_RETURN(std::string path, PathOf(key));
  if (!PathExists(path))
    return absl::NotFoundError(absl::StrCat("no object '", key, "' in ", name()));
  return ReadFile(path);
}

absl::StatusOr<std::vector<ObjectInfo>> LocalDirectoryStore::List(const std::string& prefix) {
  std::vector<ObjectInfo> out;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(dir_, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    std::string key = std::filesystem::relative(it->path(), dir_).string();
    if (!IsObjectKey(key) || key.compare(0, prefix.size(), prefix) != 0)
      continue;  // temporary files
    struct stat st {};
    if (::stat(it->path().c_str(), &st) != 0) continue;
    out.push_back({key, static_cast<uint64_t>(st.st_size), absl::FromTimeT(st.st_mtime)});
  }
  std::sort(out.begin(), out.end(),
            [](const ObjectInfo& a, const ObjectInfo& b) { return a.key < b.key; });
  return out;
}

absl::Status LocalDirectoryStore::Delete(const std::string& key) {
  DM_ASSIGN_OR_RETURN(std::string path, PathOf(key));
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return ErrnoStatus("unlink", path, errno);
  return absl::OkStatus();
}

}  // namespace dm
