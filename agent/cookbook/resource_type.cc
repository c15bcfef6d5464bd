#include "agent/cookbook/resource_type.h"

#include <limits.h>
#include <stdlib.h>

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
  std::string path = absl::StrCat(dir, "/", folder, "/", relative);
  // A symbolic link inside the folder must not lead out of it: the file behind such a link is
  // neither read nor named. (A folder that is itself a link, to where it is kept, is fine.)
  const std::string real_folder = RealPath(absl::StrCat(dir, "/", folder));
  const std::string real_path = RealPath(path);
  if (!real_path.empty() && !absl::StartsWith(real_path, real_folder + "/")) {
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
