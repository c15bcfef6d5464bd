// Owner, group and mode of a path, as a resource declares them: each one is managed only when
// the recipe names it.
#ifndef DM_AGENT_COOKBOOK_OWNERSHIP_H_
#define DM_AGENT_COOKBOOK_OWNERSHIP_H_

#include <sys/stat.h>
#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "agent/cookbook/field_reader.h"

namespace dm::cookbook {

struct Ownership {
  std::optional<std::string> owner, group;
  std::optional<mode_t> mode;

  // Reads the `owner`, `group` and `mode` fields.
  static Ownership Read(FieldReader& fields);

  // Resolves names to ids now (a user may have been created earlier in the run). Unmanaged
  // ones are -1. An unknown name is an error, except in a dry run, where an earlier resource
  // would have created it: then `unresolved` is set and the ids are -1.
  absl::Status Resolve(bool dry_run, uid_t* uid, gid_t* gid, bool* unresolved) const;

  // Appends what differs between `st` and this ("mode 0600 -> 0644", "owner 0 -> www-data").
  void Compare(const struct stat& st, uid_t uid, gid_t gid, bool unresolved,
               std::vector<std::string>* changes) const;

  // Sets what differs on an open file or, when fd < 0, on `path` (not following a link).
  absl::Status Apply(int fd, const std::string& path, const struct stat& st, uid_t uid,
                     gid_t gid) const;
};

// "0644"
std::string ModeText(mode_t mode);

}  // namespace dm::cookbook

#endif  // DM_AGENT_COOKBOOK_OWNERSHIP_H_
