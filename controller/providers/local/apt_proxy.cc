#include "controller/providers/local/apt_proxy.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "common/files.h"
#include "common/process.h"
#include "common/status_macros.h"

namespace dm::local {
namespace {

pid_t RunningProxy(const std::string& dir) {
  return RunningFromPidFile(dir + "/pid", {"apt-cacher-ng", dir});
}

// "http://deb.debian.org/debian" -> "deb.debian.org/debian"
std::string HostAndPath(const std::string& uri) {
  absl::string_view u = uri;
  absl::ConsumePrefix(&u, "http://");
  absl::ConsumePrefix(&u, "https://");
  return std::string(u);
}

// Fetches the release files once through a proxy that just started. Its first fetch of a file
// several servers ask for at once failed now and then (a server's apt-get update then hung);
// fetched once first, they are in its cache when the servers ask. Failures are the servers'
// business later.
void WarmUp(const std::string& listen_address, const DebianMirrors& mirrors) {
  std::vector<std::string> urls = {
      absl::StrCat(mirrors.archive, "/dists/", kDebianSuite, "/InRelease"),
      absl::StrCat(mirrors.archive, "/dists/", kDebianSuite, "-updates/InRelease")};
  if (!mirrors.security.empty()) {
    urls.push_back(absl::StrCat(mirrors.security, "/dists/", kDebianSuite, "-security/InRelease"));
  }
  for (const std::string& url : urls) {
    absl::Status fetched =
        RunChecked({"curl", "-sf", "-o", "/dev/null", "-m", "60", "--retry", "3",
                    "--retry-connrefused", "--proxy",
                    absl::StrCat("http://", listen_address, ":", kAptProxyPort), url})
            .status();
    if (!fetched.ok()) return;
  }
}

}  // namespace

absl::Status EnsureAptProxy(const std::string& dir, const std::string& listen_address,
                            const DebianMirrors& mirrors) {
  if (RunningProxy(dir)) return absl::OkStatus();
  DM_RETURN_IF_ERROR(MakeDirectories(dir + "/cache", 0755));
  DM_RETURN_IF_ERROR(MakeDirectories(dir + "/log", 0755));
  std::string conf = absl::StrCat(
      "CacheDir: ", dir, "/cache\nLogDir: ", dir, "/log\n", "SupportDir: /usr/lib/apt-cacher-ng\n",
      "Port: ", kAptProxyPort, "\n", "BindAddress: ", listen_address, "\n", "PidFile: ", dir,
      "/pid\n", "SocketPath: ", dir, "/socket\n", "ForeGround: 1\nExThreshold: 4\n",
      // Only the host's own mirrors, nothing else.
      "ForceManaged: 1\n", "Remap-debrep: ", HostAndPath(mirrors.archive), " ; ", mirrors.archive,
      "/\n");
  if (!mirrors.security.empty()) {
    absl::StrAppend(&conf, "Remap-secdeb: ", HostAndPath(mirrors.security), " ; ", mirrors.security,
                    "/\n");
  }
  DM_RETURN_IF_ERROR(MakeDirectories(dir + "/conf", 0755));
  DM_RETURN_IF_ERROR(WriteFileAtomic(dir + "/conf/acng.conf", conf, 0644));
  const std::string log = dir + "/log/stdout.log";
  // Detached: it outlives a controller restart, as the servers do.
  DM_RETURN_IF_ERROR(SpawnDetached({"apt-cacher-ng", "-c", dir + "/conf"}, log));
  for (int i = 0; i < 100; ++i) {
    if (RunningProxy(dir)) {
      WarmUp(listen_address, mirrors);
      return absl::OkStatus();
    }
    absl::SleepFor(absl::Milliseconds(50));
  }
  return absl::UnavailableError(
      absl::StrCat("apt-cacher-ng did not start; see ", log, ": ", ReadFile(log).value_or("")));
}

void StopAptProxy(const std::string& dir) {
  if (pid_t pid = RunningProxy(dir)) ::kill(pid, SIGTERM);
}

}  // namespace dm::local
