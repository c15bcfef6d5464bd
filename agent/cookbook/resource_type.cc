#include "agent/cookbook/resource_type.h"

#include "agent/cookbook/resources/resource_types.h"

namespace dm::cookbook {
namespace {

const std::vector<ResourceType>& Catalogue() {
  static const auto* types = new std::vector<ResourceType>{
      FileType(),    DirectoryType(), LinkType(),  TemplateType(),   LineType(), ExecuteType(),
      PackageType(), ServiceType(),   UserType(),  GroupType(),      RemoteFileType(), GitType(),
  };
  return *types;
}

}  // namespace

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
