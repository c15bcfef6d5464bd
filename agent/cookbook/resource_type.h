// The catalogue of resource types: each type's name, actions and how it reads its fields.
#ifndef DM_AGENT_COOKBOOK_RESOURCE_TYPE_H_
#define DM_AGENT_COOKBOOK_RESOURCE_TYPE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "agent/cookbook/field_reader.h"
#include "agent/cookbook/resource.h"

namespace dm::cookbook {

// What a resource may need from the cookbook it is declared in.
struct CookbookFiles {
  std::string dir;  // the cookbook's folder: files/ and templates/ are under it
  std::string name;

  // The path of `relative` under the cookbook's `folder` ("files", "templates"), or
  // InvalidArgument when it would leave that folder (absolute, a ".." part, or a symbolic link
  // that leads out of it).
  absl::StatusOr<std::string> PathIn(const std::string& folder, const std::string& relative) const;
};

struct ResourceType {
  std::string name;
  std::vector<std::string> actions;  // the first is the default; "nothing" is always allowed
  // Reads the type's own fields (the header's are already read) and returns the resource, or
  // nullptr after recording errors in `fields`.
  std::unique_ptr<Resource> (*parse)(ResourceHeader header, FieldReader& fields,
                                     const CookbookFiles& cookbook);
  // When a recipe names no action; empty: the first of `actions`.
  std::vector<std::string> default_actions = {};
};

// nullptr for an unknown type.
const ResourceType* FindResourceType(const std::string& name);
// All type names, for "unknown resource type" messages.
std::vector<std::string> ResourceTypeNames();

}  // namespace dm::cookbook

#endif  // DM_AGENT_COOKBOOK_RESOURCE_TYPE_H_
