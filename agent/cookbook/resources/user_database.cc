#include "agent/cookbook/resources/user_database.h"

#include <grp.h>
#include <pwd.h>

#include <cctype>

namespace dm::cookbook {

std::optional<UserEntry> LookupUserEntry(const std::string& name) {
  struct passwd pw, *found = nullptr;
  std::vector<char> buf(16384);
  if (getpwnam_r(name.c_str(), &pw, buf.data(), buf.size(), &found) != 0 || found == nullptr)
    return std::nullopt;
  UserEntry user{pw.pw_uid, pw.pw_gid, pw.pw_dir, pw.pw_shell, {}};
  int n = 64;
  std::vector<gid_t> gids(static_cast<size_t>(n));
  if (getgrouplist(name.c_str(), pw.pw_gid, gids.data(), &n) < 0) {
    gids.resize(static_cast<size_t>(n));
    getgrouplist(name.c_str(), pw.pw_gid, gids.data(), &n);
  }
  gids.resize(static_cast<size_t>(n));
  for (gid_t g : gids) {
    if (g == pw.pw_gid) continue;
    if (auto group = GroupName(g)) user.groups.push_back(*group);
  }
  return user;
}

std::optional<GroupEntry> LookupGroupEntry(const std::string& name) {
  struct group gr, *found = nullptr;
  std::vector<char> buf(65536);
  if (getgrnam_r(name.c_str(), &gr, buf.data(), buf.size(), &found) != 0 || found == nullptr)
    return std::nullopt;
  GroupEntry group{gr.gr_gid, {}};
  for (char** m = gr.gr_mem; *m; ++m) group.members.push_back(*m);
  return group;
}

std::optional<std::string> GroupName(gid_t gid) {
  struct group gr, *found = nullptr;
  std::vector<char> buf(65536);
  if (getgrgid_r(gid, &gr, buf.data(), buf.size(), &found) != 0 || found == nullptr)
    return std::nullopt;
  return std::string(gr.gr_name);
}

bool ValidAccountName(const std::string& name) {
  if (name.empty() || name.size() > 32 || name[0] == '-') return false;
  for (char c : name) {
    if (!(std::islower(static_cast<unsigned char>(c)) ||
          std::isdigit(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.')) {
      return false;
    }
  }
  return true;
}

}  // namespace dm::cookbook
