#include "agent/cookbook/ownership.h"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <cerrno>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/files.h"

namespace dm::cookbook {
namespace {

// Names or numeric ids, as chown(1) takes them.
std::optional<uid_t> LookupUser(const std::string& name) {
  uint32_t id = 0;
  if (absl::SimpleAtoi(name, &id)) return id;
  struct passwd pw, *found = nullptr;
  char buf[4096];
  if (getpwnam_r(name.c_str(), &pw, buf, sizeof(buf), &found) != 0 || found == nullptr)
    return std::nullopt;
  return pw.pw_uid;
}

std::optional<gid_t> LookupGroup(const std::string& name) {
  uint32_t id = 0;
  if (absl::SimpleAtoi(name, &id)) return id;
  struct group gr, *found = nullptr;
  char buf[4096];
  if (getgrnam_r(name.c_str(), &gr, buf, sizeof(buf), &found) != 0 || found == nullptr)
    return std::nullopt;
  return gr.gr_gid;
}

}  // namespace

std::string ModeText(mode_t mode) { return absl::StrFormat("%04o", mode & 07777); }

Ownership Ownership::Read(FieldReader& fields) {
  Ownership o;
  o.owner = fields.String("owner");
  o.group = fields.String("group");
  o.mode = fields.Mode("mode");
  return o;
}

absl::Status Ownership::Resolve(bool dry_run, uid_t* uid, gid_t* gid, bool* unresolved) const {
  *uid = static_cast<uid_t>(-1);
  *gid = static_cast<gid_t>(-1);
  *unresolved = false;
  if (owner) {
    std::optional<uid_t> id = LookupUser(*owner);
    if (!id && !dry_run) return absl::NotFoundError(absl::StrCat("no such user '", *owner, "'"));
    if (id)
      *uid = *id;
    else
      *unresolved = true;
  }
  if (group) {
    std::optional<gid_t> id = LookupGroup(*group);
    if (!id && !dry_run) return absl::NotFoundError(absl::StrCat("no such group '", *group, "'"));
    if (id)
      *gid = *id;
    else
      *unresolved = true;
  }
  return absl::OkStatus();
}

void Ownership::Compare(const struct stat& st, uid_t uid, gid_t gid, bool unresolved,
                        std::vector<std::string>* changes) const {
  if (mode && (st.st_mode & 07777) != *mode) {
    changes->push_back(absl::StrCat("mode ", ModeText(st.st_mode), " -> ", ModeText(*mode)));
  }
  // In a dry run a user or group that an earlier resource would create has no id yet.
  const bool owner_unknown = unresolved && uid == static_cast<uid_t>(-1);
  const bool group_unknown = unresolved && gid == static_cast<gid_t>(-1);
  if (owner && owner_unknown) {
    changes->push_back(absl::StrCat("owner -> ", *owner, " (not created yet)"));
  } else if (owner && st.st_uid != uid) {
    changes->push_back(absl::StrCat("owner ", st.st_uid, " -> ", *owner));
  }
  if (group && group_unknown) {
    changes->push_back(absl::StrCat("group -> ", *group, " (not created yet)"));
  } else if (group && st.st_gid != gid) {
    changes->push_back(absl::StrCat("group ", st.st_gid, " -> ", *group));
  }
}

absl::Status Ownership::Apply(int fd, const std::string& path, const struct stat& st, uid_t uid,
                              gid_t gid) const {
  bool chown_needed = (owner && st.st_uid != uid) || (group && st.st_gid != gid);
  if (chown_needed) {
    int rc = fd >= 0 ? ::fchown(fd, uid, gid) : ::lchown(path.c_str(), uid, gid);
    if (rc != 0) return ErrnoStatus("chown", path, errno);
  }
  // chown clears setuid/setgid bits: set the mode after it.
  if (mode && ((st.st_mode & 07777) != *mode || chown_needed)) {
    int rc = fd >= 0 ? ::fchmod(fd, *mode) : ::chmod(path.c_str(), *mode);
    if (rc != 0) return ErrnoStatus("chmod", path, errno);
  }
  return absl::OkStatus();
}

}  // namespace dm::cookbook
