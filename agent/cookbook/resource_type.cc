#include "agent/cookbook/resource_type.h"

#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "agent/cookbook/resources/resource_types.h"

namespace dm::cookbook {
namespace {

const std::vector<ResourceType>& Catalogue() {
  static const auto* types = new std::vector<ResourceType>{
      FileType(),    DirectoryType(), LinkType(), TemplateType(), LineType(),       ExecuteType(),
      PackageType(), ServiceType(),   UserType(), GroupType(),    RemoteFileType(), GitType(),
  };
  return *types;
}

// True when a part of `relative` under `base` is a symbolic link: one lstat per part, so that
// the usual source (a plain file, no link) costs what it did before links were checked.
bool HasLinkBelow(const std::string& base, const std::string& relative) {
  std::string at = base;
  for (absl::string_view part : absl::StrSplit(relative, '/', absl::SkipEmpty())) {
    absl::StrAppend(&at, "/", part);
    struct stat st {};
    if (::lstat(at.c_str(), &st) != 0) return false;  // missing: reading it names the path
    if (S_ISLNK(st.st_mode)) return true;
  }
  return false;
}

// The path with every symbolic link resolved, or "" when it does not exist.
std::string RealPath(const std::string& path) {
  char resolved[PATH_MAX];
  return ::realpath(path.c_str(), resolved) ? std::string(resolved) : std::string();
}

}  // namespace

absl::StatusOr<std::string> CookbookFiles::PathIn(const std::string& folder,
                                                  const std::string& relative) const {
  bool escapes = relative.empty() || relative[0] == '/';
  for (absl::string_view part : absl::StrSplit(relative, '/')) escapes = escapes || part == "..";
  if (escapes) {
    return absl::InvalidArgumentError(
        absl::StrCat("must name a file inside the cookbook's ", folder, "/ folder"));
  }
  const std::string folder_path = absl::StrCat(dir, "/", folder);
  std::string path = absl::StrCat(folder_path, "/", relative);
  if (!HasLinkBelow(folder_path, relative)) return path;
  // A symbolic link inside the folder must not lead out of it: the file behind such a link is
  // neither read nor named. (A folder that is itself a link, to where it is kept, is fine.)
  const std::string real_path = RealPath(path);
  if (!real_path.empty() && !absl::StartsWith(real_path, RealPath(folder_path) + "/")) {
    return absl::InvalidArgumentError(absl::StrCat("must name a file inside the cookbook's ",
                                                   folder, "/ folder: ", folder, "/", relative,
                                                   " is a symbolic link that leads out of it"));
  }
  return path;
}

const ResourceType* FindResourceType(const std::string& name) {
  for (const ResourceType& t : Catalogue()) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

std::vector<std::string> ResourceTypeNames() {
  std::vector<std::string> names;
  for (const ResourceType& t : Catalogue()) names.push_back(t.name);
  return names;
}

}  // namespace dm::cookbook
