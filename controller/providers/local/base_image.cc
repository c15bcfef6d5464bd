#include "controller/providers/local/base_image.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <filesystem>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/files.h"
#include "common/process.h"
#include "common/tls/digest.h"
#include "controller/providers/local/host_tools.h"

namespace dm::local {
namespace {

constexpr const char* kSuite = kDebianSuite;
// What a fresh cloud image of Debian 12 has that bootstrap relies on: systemd as init, sshd,
// sudo, nftables, iproute2; and python3, which every cloud image carries for cloud-init (Debian's
// genericcloud images among them). Without it each app server would install and byte-compile
// Python's standard library itself, which a cloud server never does. Bump kRecipeVersion when
// the steps below change.
const std::vector<std::string> kPackages = {
    "openssh-server", "systemd", "systemd-sysv",    "dbus",    "iproute2",
    "procps",         "sudo",    "ca-certificates", "python3", "nftables"};
constexpr int kRecipeVersion = 1;

void AddMirror(const std::string& uri, DebianMirrors* m) {
  std::string u(absl::StripSuffix(uri, "/"));
  if (absl::EndsWith(u, "/debian-security")) {
    if (m->security.empty()) m->security = u;
  } else if (absl::EndsWith(u, "/debian") && m->archive.empty()) {
    m->archive = u;
  }
}

}  // namespace

absl::StatusOr<DebianMirrors> HostDebianMirrors() {
  DebianMirrors m;
  // One-line format: "deb [options] URI suite components".
  for (absl::string_view line :
       absl::StrSplit(ReadFile("/etc/apt/sources.list").value_or(""), '\n')) {
    std::vector<std::string> words =
        absl::StrSplit(absl::StripAsciiWhitespace(line), ' ', absl::SkipEmpty());
    if (words.size() < 3 || words[0] != "deb") continue;
    size_t i = 1;
    if (absl::StartsWith(words[i], "[")) {
      while (i < words.size() && !absl::EndsWith(words[i], "]")) ++i;
      ++i;
    }
    if (i < words.size()) AddMirror(words[i], &m);
  }
  // deb822 format: "URIs: ..." in /etc/apt/sources.list.d/*.sources.
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator("/etc/apt/sources.list.d", ec)) {
    if (e.path().extension() != ".sources") continue;
    for (absl::string_view line : absl::StrSplit(ReadFile(e.path().string()).value_or(""), '\n')) {
      if (!absl::ConsumePrefix(&line, "URIs:")) continue;
      for (absl::string_view uri : absl::StrSplit(line, ' ', absl::SkipEmpty()))
        AddMirror(std::string(uri), &m);
    }
  }
  if (m.archive.empty()) {
    return absl::FailedPreconditionError(
        "no Debian mirror (a URI ending in /debian) in this machine's apt sources");
  }
  return m;
}

absl::StatusOr<std::string> EnsureBaseImage(const std::string& cache_dir,
                                            const DebianMirrors& mirrors,
                                            const ProgressFn& progress) {
  std::string recipe = absl::StrCat(kRecipeVersion, "|", kSuite, "|", mirrors.archive, "|",
                                    mirrors.security, "|", absl::StrJoin(kPackages, ","));
  std::string dir = absl::StrCat(cache_dir, "/images/debian12-", Sha256Hex(recipe).substr(0, 16));
  std::string root = dir + "/rootfs";
  if (PathExists(dir + "/complete")) return root;

  if (absl::Status s = MakeDirectories(cache_dir + "/images", 0755); !s.ok()) return s;
  int lock = ::open((dir + ".lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock < 0) return ErrnoStatus("lock", dir + ".lock", errno);
  progress("waiting for the base image lock");
  ::flock(lock, LOCK_EX);  // released when the fd closes, also if we crash
  struct Unlock {
    int fd;
    ~Unlock() { ::close(fd); }
  } unlock{lock};
  if (PathExists(dir + "/complete")) return root;  // another process built it meanwhile

  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  if (absl::Status s = MakeDirectories(dir, 0755); !s.ok()) return s;
  progress(absl::StrCat("building the Debian 12 base image from ", mirrors.archive,
                        " (about a minute, once)"));
  absl::StatusOr<std::string> built =
      RunChecked({"debootstrap", "--variant=minbase", "--include=" + absl::StrJoin(kPackages, ","),
                  kSuite, root, mirrors.archive},
                 absl::Minutes(20));
  if (!built.ok()) return built.status();

  // Like a cloud image: each server gets its own host keys and machine id at first boot.
  for (const auto& e : std::filesystem::directory_iterator(root + "/etc/ssh", ec)) {
    if (absl::StartsWith(e.path().filename().string(), "ssh_host_"))
      std::filesystem::remove(e.path(), ec);
  }
  if (absl::Status s = WriteFileAtomic(root + "/etc/machine-id", "", 0444); !s.ok()) return s;
  std::string sources = absl::StrCat("deb ", mirrors.archive, " ", kSuite, " main\n", "deb ",
                                     mirrors.archive, " ", kSuite, "-updates main\n");
  if (!mirrors.security.empty())
    absl::StrAppend(&sources, "deb ", mirrors.security, " ", kSuite, "-security main\n");
  if (absl::Status s = WriteFileAtomic(root + "/etc/apt/sources.list", sources, 0644); !s.ok())
    return s;
  if (absl::Status s = WriteFileAtomic(dir + "/recipe", recipe + "\n", 0644); !s.ok()) return s;
  if (absl::Status s = WriteFileAtomic(dir + "/complete", "", 0644); !s.ok()) return s;
  progress("base image ready");
  return root;
}

}  // namespace dm::local
