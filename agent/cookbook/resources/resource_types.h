// One function per resource type, each defined in its own file here.
#ifndef DM_AGENT_COOKBOOK_RESOURCES_RESOURCE_TYPES_H_
#define DM_AGENT_COOKBOOK_RESOURCES_RESOURCE_TYPES_H_

#include "agent/cookbook/resource_type.h"

namespace dm::cookbook {

ResourceType FileType();
ResourceType DirectoryType();
ResourceType LinkType();
ResourceType TemplateType();
ResourceType LineType();
ResourceType ExecuteType();
ResourceType PackageType();
ResourceType ServiceType();
ResourceType UserType();
ResourceType GroupType();
ResourceType RemoteFileType();
ResourceType GitType();

}  // namespace dm::cookbook

#endif  // DM_AGENT_COOKBOOK_RESOURCES_RESOURCE_TYPES_H_
