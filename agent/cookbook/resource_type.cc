#include "agent/cookbook/resource_type.h"

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

}  // namespace

absl::StatusOr<std::string> CookbookFiles::PathIn(const std::string& folder,
                                                  const std::string& relative) const {
  bool escapes = relative.empty() || relative[0] == '/';
  for (absl::string_view part : absl::StrSplit(relative, '/')) escapes = escapes || part == "..";
  if (escapes) {
    return absl::InvalidArgumentError(
        absl::StrCat("must name a file inside the cookbook's ", folder, "/ folder"));
  }
  return absl::StrCat(dir, "/", folder, "/", relative);
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
