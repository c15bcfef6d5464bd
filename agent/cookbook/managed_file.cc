#include "agent/cookbook/managed_file.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "agent/cookbook/staged_writes.h"
#include "agent/cookbook/unified_diff.h"
#include "common/files.h"

namespace dm::cookbook {
namespace {

// Keeps `content` as BACKUP_DIR/PATH.TIMESTAMP and prunes the oldest beyond kBackupsKept.
absl::Status Backup(const std::string& backup_dir, const std::string& path,
                    const std::string& content) {
  if (backup_dir.empty()) return absl::OkStatus();
  std::string target = backup_dir + (path[0] == '/' ? "" : "/") + path;
  const std::string dir = Dirname(target), base = Basename(target);
  if (absl::Status s = MakeDirectories(dir, 0700); !s.ok()) return s;
  std::string stamp = absl::FormatTime("%Y%m%dT%H%M%E6S", absl::Now(), absl::UTCTimeZone());
  absl::Status written = WriteFileAtomic(absl::StrCat(target, ".", stamp), content, 0600);
  if (!written.ok()) return written;
  std::vector<std::string> kept;
  if (DIR* d = ::opendir(dir.c_str())) {
    while (struct dirent* e = ::readdir(d)) {
      if (absl::StartsWith(e->d_name, base + ".")) kept.push_back(e->d_name);
    }
    ::closedir(d);
  }
  std::sort(kept.begin(), kept.end());  // timestamps sort in time order
  for (size_t i = 0; i + kBackupsKept < kept.size(); ++i) ::unlink((dir + "/" + kept[i]).c_str());
  return absl::OkStatus();
}

struct Existing {
  bool exists = false;
  struct stat st {};
};

absl::StatusOr<Existing> Inspect(const std::string& path) {
  Existing e;
  if (::lstat(path.c_str(), &e.st) != 0) {
    if (errno == ENOENT) return e;
    return ErrnoStatus("stat", path, errno);
  }
  if (!S_ISREG(e.st.st_mode)) {
    return absl::FailedPreconditionError(
        absl::StrCat(path, " exists and is ",
                     S_ISDIR(e.st.st_mode)   ? "a directory"
                     : S_ISLNK(e.st.st_mode) ? "a symbolic link"
                                             : "not a regular file",
                     "; remove it first (a directory resource with action delete, or link)"));
  }
  e.exists = true;
  return e;
}

absl::StatusOr<Outcome> Write(const ManagedFile& file, const std::string& content,
                              const Existing& existing, const std::string* old_content,
                              RunContext& context) {
  uid_t uid;
  gid_t gid;
  bool unresolved;
  if (absl::Status s = file.ownership.Resolve(context.dry_run, &uid, &gid, &unresolved); !s.ok())
    return s;

  Outcome out;
  bool content_differs = !existing.exists || old_content == nullptr || *old_content != content;
  if (!existing.exists) {
    out.changes.push_back("created");
  } else if (content_differs) {
    out.changes.push_back("content");
  }
  if (existing.exists) file.ownership.Compare(existing.st, uid, gid, unresolved, &out.changes);
  if (out.changes.empty()) return out;
  out.changed = true;
  if (content_differs && !file.sensitive) {
    out.diff = UnifiedDiff(old_content ? *old_content : "", content,
                           existing.exists ? file.path : "/dev/null", file.path);
  }
  if (context.dry_run) return out;

  if (content_differs) {
    if (existing.exists && file.backup && old_content) {
      if (absl::Status s = Backup(context.backup_dir, file.path, *old_content); !s.ok()) {
        return absl::Status(s.code(), absl::StrCat("backing up the old version: ", s.message()));
      }
    }
    // A new file without a declared mode gets the usual 0644; a replaced one keeps its mode.
    mode_t mode =
        file.ownership.mode.value_or(existing.exists ? (existing.st.st_mode & 07777) : 0644);
    uid_t keep_uid = file.ownership.owner
                         ? uid
                         : (existing.exists ? existing.st.st_uid : static_cast<uid_t>(-1));
    gid_t keep_gid = file.ownership.group
                         ? gid
                         : (existing.exists ? existing.st.st_gid : static_cast<gid_t>(-1));
    if (absl::Status s = context.writes->Stage(file.path, content, mode, keep_uid, keep_gid);
        !s.ok())
      return s;
    return out;
  }
  if (absl::Status s = file.ownership.Apply(-1, file.path, existing.st, uid, gid); !s.ok())
    return s;
  return out;
}

}  // namespace

absl::StatusOr<Outcome> EnsureFileContent(const ManagedFile& file, const std::string& content,
                                          RunContext& context) {
  absl::StatusOr<Existing> existing = Inspect(file.path);
  if (!existing.ok()) return existing.status();
  std::string old_content;
  bool have_old = false;
  if (existing->exists) {
    // Equal sizes are worth comparing; otherwise the old bytes are needed only for a diff or
    // a backup.
    bool need_old = static_cast<size_t>(existing->st.st_size) == content.size() ||
                    !file.sensitive || file.backup;
    if (need_old) {
      absl::StatusOr<std::string> read = ReadFile(file.path);
      if (!read.ok()) return read.status();
      old_content = std::move(*read);
      have_old = true;
    }
  }
  return Write(file, content, *existing, have_old ? &old_content : nullptr, context);
}

absl::StatusOr<Outcome> EnsureFileExists(const ManagedFile& file, const std::string& content,
                                         RunContext& context) {
  absl::StatusOr<Existing> existing = Inspect(file.path);
  if (!existing.ok()) return existing.status();
  if (!existing->exists) return Write(file, content, *existing, nullptr, context);
  // Present: only owner, group and mode are managed.
  uid_t uid;
  gid_t gid;
  bool unresolved;
  if (absl::Status s = file.ownership.Resolve(context.dry_run, &uid, &gid, &unresolved); !s.ok())
    return s;
  Outcome out;
  file.ownership.Compare(existing->st, uid, gid, unresolved, &out.changes);
  out.changed = !out.changes.empty();
  if (out.changed && !context.dry_run) {
    if (absl::Status s = file.ownership.Apply(-1, file.path, existing->st, uid, gid); !s.ok())
      return s;
  }
  return out;
}

absl::StatusOr<Outcome> EnsureFileAbsent(const ManagedFile& file, RunContext& context) {
  struct stat st {};
  if (::lstat(file.path.c_str(), &st) != 0) {
    if (errno == ENOENT) return Outcome::Unchanged();
    return ErrnoStatus("stat", file.path, errno);
  }
  if (S_ISDIR(st.st_mode)) {
    return absl::FailedPreconditionError(
        absl::StrCat(file.path, " is a directory; use a directory resource"));
  }
  Outcome out = Outcome::Changed({"deleted"});
  if (context.dry_run) return out;
  if (S_ISREG(st.st_mode) && file.backup) {
    absl::StatusOr<std::string> old = ReadFile(file.path);
    if (!old.ok()) return old.status();
    if (absl::Status s = Backup(context.backup_dir, file.path, *old); !s.ok()) return s;
  }
  if (::unlink(file.path.c_str()) != 0) return ErrnoStatus("delete", file.path, errno);
  return out;
}

ManagedFile ReadManagedFile(const ResourceHeader& header, FieldReader& fields) {
  ManagedFile file;
  file.path = fields.String("path").value_or(header.name);
  file.ownership = Ownership::Read(fields);
  file.backup = fields.Bool("backup", true);
  file.sensitive = header.sensitive;
  if (file.path.empty() || file.path[0] != '/') fields.Error("path", "must be an absolute path");
  return file;
}

absl::StatusOr<Outcome> FileContentResource::Perform(const std::string& action,
                                                     RunContext& context) {
  if (action == "delete") return EnsureFileAbsent(file_, context);
  if (action == "create_if_missing") return EnsureFileExists(file_, content_, context);
  return EnsureFileContent(file_, content_, context);
}

}  // namespace dm::cookbook
