// A real OpenStack on loopback for tests (tests/openstack/openstack-up): Keystone, Placement,
// Glance, Nova with its fake compute driver, Neutron with the linuxbridge agent, their own
// PostgreSQL and RabbitMQ, all from Debian's packages. It takes a minute or two to come up, so a
// test binary starts one for all its tests. Stopped (tests/openstack/openstack-down) when the
// object goes.
#ifndef DM_TESTS_HARNESS_LOCAL_OPENSTACK_H_
#define DM_TESTS_HARNESS_LOCAL_OPENSTACK_H_

#include <map>
#include <string>

#include "absl/status/status.h"
#include "common/temp_dir.h"

namespace dm::testing {

class LocalOpenStack {
 public:
  // True when Debian's OpenStack services are installed (scripts/install-deps) and this runs as
  // root (the linuxbridge agent and PostgreSQL's own user need it).
  static bool Available();
  // And for real servers (mode "lxc"): libvirt's LXC driver, Neutron's DHCP and metadata agents.
  static bool LxcAvailable();

  LocalOpenStack() = default;
  ~LocalOpenStack();
  LocalOpenStack(const LocalOpenStack&) = delete;
  LocalOpenStack& operator=(const LocalOpenStack&) = delete;

  // Brings the cloud up; its log and the services' logs stay in the run folder on failure.
  // "fake": Nova's fake driver. "lxc": real servers booted from `lxc_image`
  // (tests/openstack/build-guest-image), this machine at 10.123.0.1 on their network.
  absl::Status Start(const std::string& mode = "fake", const std::string& lxc_image = "");
  // What cloud.env says: auth_url, user, password, project, domain, region, image, flavor,
  // network, compute_url. "" for anything else.
  std::string Get(const std::string& key) const;
  const std::string& run_dir() const { return dir_.path(); }

 private:
  TempDir dir_{"dm-openstack"};
  // One cloud at a time on this machine: its ports are fixed and libvirt's sockets are the
  // machine's, and tests in two ctest runs side by side (scripts/test's lanes) may each want
  // one. An flock, released by the kernel if the test dies.
  int machine_lock_ = -1;
  std::map<std::string, std::string> env_;
  bool started_ = false;
};

}  // namespace dm::testing

#endif  // DM_TESTS_HARNESS_LOCAL_OPENSTACK_H_
