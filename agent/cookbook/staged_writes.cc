#include "agent/cookbook/staged_writes.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/files.h"

namespace dm::cookbook {
namespace {

// Flushes the filesystem holding `path`.
void SyncFilesystemOf(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  ::syncfs(fd);
  ::close(fd);
}

// Removes the temporary files an earlier agent left in `dir` when it was killed mid-write
// (".NAME.dm-new.PID" of a process that is gone): each is a half-written copy nobody will rename.
void SweepLeftovers(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return;
  const std::string ours = absl::StrCat(".dm-new.", ::getpid());
  while (const dirent* entry = ::readdir(d)) {
    absl::string_view name = entry->d_name;
    size_t at = name.rfind(".dm-new.");
    if (name.empty() || name[0] != '.' || at == absl::string_view::npos || at == 0) continue;
    absl::string_view pid = name.substr(at + 8);
    if (pid.empty() || !std::all_of(pid.begin(), pid.end(), absl::ascii_isdigit)) continue;
    if (name.substr(at) == ours) continue;
    // A process still running (`dm-agent apply` beside the service) may yet rename its file.
    pid_t owner = 0;
    if (!absl::SimpleAtoi(pid, &owner) || owner <= 0 || (::kill(owner, 0) == 0 || errno != ESRCH)) {
      continue;
    }
    struct stat st {};
    if (::fstatat(::dirfd(d), entry->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
        S_ISREG(st.st_mode)) {
      ::unlinkat(::dirfd(d), entry->d_name, 0);
    }
  }
  ::closedir(d);
}

}  // namespace

StagedWrites::~StagedWrites() { Abandon(); }

absl::Status StagedWrites::Stage(const std::string& path, absl::string_view content, mode_t mode,
                                 uid_t uid, gid_t gid) {
  const std::string dir = Dirname(path), base = Basename(path);
  if (swept_.insert(dir).second) SweepLeftovers(dir);
  // Hidden, and named after its target and this process, so that a leftover is recognisable.
  std::string temp = absl::StrCat(dir, "/.", base, ".dm-new.", ::getpid());
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return ErrnoStatus("create", temp, errno);
  absl::Status status = WriteAll(fd, content, temp);
  if (status.ok() && (uid != static_cast<uid_t>(-1) || gid != static_cast<gid_t>(-1)) &&
      ::fchown(fd, uid, gid) != 0) {
    status = ErrnoStatus("chown", temp, errno);
  }
  // After chown, which would clear setuid bits; open() applied the umask, fchmod does not.
  if (status.ok() && ::fchmod(fd, mode) != 0) status = ErrnoStatus("chmod", temp, errno);
  struct stat st {};
  if (status.ok() && ::fstat(fd, &st) != 0) status = ErrnoStatus("stat", temp, errno);
  ::close(fd);
  if (!status.ok()) {
    ::unlink(temp.c_str());
    return status;
  }
  staged_.push_back({path, dir, std::move(temp), st.st_dev});
  pending_.insert(path);
  return absl::OkStatus();
}

std::vector<std::pair<std::string, absl::Status>> StagedWrites::Commit() {
  std::vector<std::pair<std::string, absl::Status>> failed;
  if (staged_.empty()) return failed;
  std::set<dev_t> seen;
  std::vector<std::string> one_per_filesystem;
  for (const Staged& s : staged_) {
    if (seen.insert(s.device).second) one_per_filesystem.push_back(s.dir);
  }
  for (const std::string& p : one_per_filesystem) SyncFilesystemOf(p);  // contents on disk
  for (const Staged& s : staged_) {
    if (::rename(s.temp.c_str(), s.path.c_str()) != 0) {
      failed.emplace_back(s.path, ErrnoStatus("rename into place", s.path, errno));
      ::unlink(s.temp.c_str());
    }
  }
  for (const Staged& s : staged_) {
    if (seen.erase(s.device)) SyncFilesystemOf(s.dir);  // the renames on disk
  }
  staged_.clear();
  pending_.clear();
  return failed;
}

void StagedWrites::Abandon() {
  for (const Staged& s : staged_) ::unlink(s.temp.c_str());
  staged_.clear();
  pending_.clear();
}

}  // namespace dm::cookbook
