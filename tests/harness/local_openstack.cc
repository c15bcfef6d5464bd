#include "tests/harness/local_openstack.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/files.h"
#include "tests/harness/process.h"

namespace dm::testing {
namespace {

std::string Script(const std::string& name) {
  return absl::StrCat(DM_SOURCE_DIR, "/tests/openstack/", name);
}

}  // namespace

bool LocalOpenStack::Available() {
  if (::geteuid() != 0) return false;
  for (const char* program :
       {"/usr/bin/nova-api", "/usr/bin/neutron-server", "/usr/bin/glance-api",
        "/usr/bin/keystone-manage", "/usr/lib/rabbitmq/bin/rabbitmq-server", "/usr/bin/jq"}) {
    if (::access(program, X_OK) != 0) return false;
  }
  return true;
}

bool LocalOpenStack::LxcAvailable() {
  if (!Available()) return false;
  for (const char* program : {"/usr/sbin/libvirtd", "/usr/lib/libvirt/libvirt_lxc",
                              "/usr/bin/neutron-dhcp-agent", "/usr/bin/neutron-metadata-agent",
                              "/usr/sbin/haproxy", "/usr/sbin/dnsmasq", "/usr/sbin/mkfs.ext4"}) {
    if (::access(program, X_OK) != 0) return false;
  }
  return true;
}

absl::Status LocalOpenStack::Start(const std::string& mode, const std::string& lxc_image) {
  const char* lock_path = "/run/lock/dm-test-openstack.lock";
  machine_lock_ = ::open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (machine_lock_ < 0) return ErrnoStatus("open", lock_path, errno);
  while (::flock(machine_lock_, LOCK_EX) != 0) {
    if (errno != EINTR) return ErrnoStatus("lock", lock_path, errno);
  }
  started_ = true;
  std::vector<std::string> environment;
  if (!lxc_image.empty()) environment.push_back("LXC_IMAGE=" + lxc_image);
  CommandResult up =
      RunCommand({Script("openstack-up"), dir_.path(), mode}, absl::Minutes(8), environment);
  if (up.exit_code != 0) {
    dir_.Keep();
    // What it said on stderr first: the digest of a failed CI run shows only a failure's first
    // lines.
    return absl::UnavailableError(absl::StrCat("openstack-up failed (", up.exit_code, "): ", up.err,
                                               "logs in ", dir_.path(), "/logs; its steps:\n",
                                               up.out));
  }
  absl::StatusOr<std::string> env = ReadFile(dir_.Path("cloud.env"));
  if (!env.ok()) return env.status();
  for (absl::string_view line : absl::StrSplit(*env, '\n', absl::SkipEmpty())) {
    std::pair<std::string, std::string> kv = absl::StrSplit(line, absl::MaxSplits('=', 1));
    env_[kv.first] = kv.second;
  }
  return absl::OkStatus();
}

std::string LocalOpenStack::Get(const std::string& key) const {
  auto it = env_.find(key);
  return it == env_.end() ? "" : it->second;
}

LocalOpenStack::~LocalOpenStack() {
  if (started_) RunCommand({Script("openstack-down"), dir_.path()}, absl::Minutes(2));
  if (machine_lock_ >= 0) ::close(machine_lock_);
}

}  // namespace dm::testing
