// The local user and group database (NSS), and the shadow-utils tools that change it, for the
// user and group resources.
#ifndef DM_AGENT_COOKBOOK_RESOURCES_USER_DATABASE_H_
#define DM_AGENT_COOKBOOK_RESOURCES_USER_DATABASE_H_

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace dm::cookbook {

struct UserEntry {
  uid_t uid;
  gid_t gid;
  std::string home, shell;
  std::vector<std::string> groups;  // supplementary groups, by name
};

struct GroupEntry {
  gid_t gid;
  std::vector<std::string> members;
};

std::optional<UserEntry> LookupUserEntry(const std::string& name);
std::optional<GroupEntry> LookupGroupEntry(const std::string& name);
std::optional<std::string> GroupName(gid_t gid);

// Names as useradd accepts them: nothing that a tool could read as an option or a path.
bool ValidAccountName(const std::string& name);

// Runs useradd, usermod, groupadd...: an error carries the tool's output.
absl::Status RunTool(const std::vector<std::string>& argv);

}  // namespace dm::cookbook

#endif  // DM_AGENT_COOKBOOK_RESOURCES_USER_DATABASE_H_
