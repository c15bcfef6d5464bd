// The local user and group database (NSS), for the user and group resources (which change it
// with shadow-utils through RunChecked).
#ifndef DM_AGENT_COOKBOOK_RESOURCES_USER_DATABASE_H_
#define DM_AGENT_COOKBOOK_RESOURCES_USER_DATABASE_H_

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

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

}  // namespace dm::cookbook

#endif  // DM_AGENT_COOKBOOK_RESOURCES_USER_DATABASE_H_
