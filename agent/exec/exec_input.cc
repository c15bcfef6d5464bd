#include "agent/exec/exec_input.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "common/tls/digest.h"

namespace dm {
namespace {

// Parts asked for at once (1 MB each from the controller): enough to keep the stream busy.
constexpr size_t kWindow = 32;
// A part asked for that has not arrived by then is asked for again (the stream may have dropped);
// nothing at all for kGiveUp ends the fetch.
constexpr absl::Duration kRetry = absl::Seconds(20);
constexpr absl::Duration kGiveUp = absl::Minutes(5);

int UnnamedFile(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  // A file system without O_TMPFILE: an anonymous memory file instead.
  if (fd < 0) fd = ::memfd_create("dm-exec-stdin", MFD_CLOEXEC);
  return fd;
}

bool WriteAll(int fd, const std::string& data) {
  size_t written = 0;
  while (written < data.size()) {
    ssize_t n = ::write(fd, data.data() + written, data.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    written += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

absl::StatusOr<int> FetchInputParts(const google::protobuf::RepeatedPtrField<std::string>& parts,
                                    const std::string& dir, BlobSource& source,
                                    const std::atomic<bool>& cancelled) {
  int fd = UnnamedFile(dir);
  if (fd < 0)
    return absl::InternalError(
        absl::StrCat("cannot hold the command's input: ", std::strerror(errno)));
  auto fail = [&](absl::Status status) -> absl::StatusOr<int> {
    ::close(fd);
    return status;
  };
  // The same part may occur more than once (a run of identical bytes): kept until its last use.
  std::map<std::string, int> last_use;
  for (int i = 0; i < parts.size(); ++i) last_use[parts[i]] = i;

  std::map<std::string, std::string> arrived;
  std::set<std::string> asked;
  int next = 0;
  absl::Time last_progress = absl::Now(), asked_at = absl::InfinitePast();
  while (next < parts.size()) {
    if (cancelled) return fail(absl::CancelledError("cancelled"));
    // Ask for the window ahead that is neither here nor asked for (again, after kRetry).
    if (absl::Now() - asked_at > kRetry) asked.clear();
    std::vector<std::string> wanted;
    for (int i = next; i < parts.size() && i < next + static_cast<int>(kWindow); ++i) {
      if (!arrived.count(parts[i]) && asked.insert(parts[i]).second) wanted.push_back(parts[i]);
    }
    if (!wanted.empty()) {
      source.request(std::move(wanted));
      asked_at = absl::Now();
    }
    if (std::optional<dm::v1::Blobs> blobs = source.next(absl::Milliseconds(200))) {
      for (dm::v1::Blob& b : *blobs->mutable_blobs()) {
        if (!last_use.count(b.sha256()) || last_use[b.sha256()] < next)
          continue;  // not wanted (any more)
        if (Sha256Hex(b.data()) != b.sha256()) {
          return fail(absl::DataLossError(
              absl::StrCat("part ", b.sha256().substr(0, 12), " arrived damaged")));
        }
        arrived[b.sha256()] = std::move(*b.mutable_data());
      }
    }
    // Write what continues the input.
    while (next < parts.size()) {
      auto part = arrived.find(parts[next]);
      if (part == arrived.end()) break;
      if (!WriteAll(fd, part->second)) {
        return fail(absl::InternalError(
            absl::StrCat("cannot hold the command's input: ", std::strerror(errno))));
      }
      if (last_use[parts[next]] == next) arrived.erase(part);
      asked.erase(parts[next]);
      ++next;
      last_progress = absl::Now();
    }
    if (absl::Now() - last_progress > kGiveUp) {
      return fail(absl::DeadlineExceededError(absl::StrCat("the command's input stopped arriving (",
                                                           next, " of ", parts.size(), " parts)")));
    }
  }
  if (::lseek(fd, 0, SEEK_SET) != 0) {
    return fail(absl::InternalError(
        absl::StrCat("cannot rewind the command's input: ", std::strerror(errno))));
  }
  return fd;
}

}  // namespace dm
