// Small file helpers whose failures come back as statuses that name the path.
#ifndef DM_COMMON_FILES_H_
#define DM_COMMON_FILES_H_

#include <sys/types.h>

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace dm {

// A status for a failed system call on `path`: "WHAT PATH: strerror", NotFound for ENOENT,
// PermissionDenied for EACCES/EPERM.
absl::Status ErrnoStatus(const std::string& what, const std::string& path, int err);

// Writes all of `content` to `fd`, retrying short writes; `path` names it in errors.
absl::Status WriteAll(int fd, absl::string_view content, const std::string& path);

// Reads a whole file. NotFound if it does not exist; InvalidArgument, before reading on, when it
// holds more than `max_bytes`.
absl::StatusOr<std::string> ReadFile(const std::string& path, size_t max_bytes = std::string::npos);

// Reads a file that holds secrets (`holds`: "providers' credentials"), refusing it with
// PermissionDenied, and the chmod that fixes it, when group or others may read it.
absl::StatusOr<std::string> ReadPrivateFile(const std::string& path, const std::string& holds);

// Replaces `path` with `content` so that a crash leaves either the old or the new file, never a
// mix: writes a temporary file beside it with `mode`, fsyncs it, renames it over `path`, and
// fsyncs the directory.
absl::Status WriteFileAtomic(const std::string& path, const std::string& content, mode_t mode);

// Creates `path` and missing parents. An existing directory is left as it is, except that its
// mode is set to `mode` (so a data directory holding keys is never left group-readable).
absl::Status MakeDirectories(const std::string& path, mode_t mode);

bool PathExists(const std::string& path);

// The absolute form of `path` (relative to the working directory); does not resolve links.
std::string AbsolutePath(const std::string& path);

// The directory part of `path`, as dirname(1) says it: "/etc/nginx.conf" -> "/etc", "a" -> ".",
// "/a" -> "/". Text only: nothing is looked up.
std::string Dirname(const std::string& path);
// The last part of `path`: "/etc/nginx.conf" -> "nginx.conf".
std::string Basename(const std::string& path);

}  // namespace dm

#endif  // DM_COMMON_FILES_H_
