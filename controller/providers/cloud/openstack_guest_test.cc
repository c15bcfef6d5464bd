// A real server at a real OpenStack: Nova's libvirt-LXC driver boots the local provider's Debian
// image (tests/openstack/build-guest-image), Neutron gives it an address by DHCP and the
// metadata service. The openstack provider creates it with the controller's cloud-init user data;
// then ssh, with StrictHostKeyChecking and only the host key the controller made, logs in as root
// with the operator key: the server took both from the metadata service, nothing was trusted on
// first use.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "bootstrap/host_key.h"
#include "common/clock.h"
#include "common/files.h"
#include "common/http/retrying_http_client.h"
#include "common/temp_dir.h"
#include "controller/providers/cloud/openstack_provider.h"
#include "controller/providers/local/base_image.h"
#include "controller/servers/cloud_init.h"
#include "tests/harness/local_openstack.h"
#include "tests/harness/process.h"

namespace dm {
namespace {

using testing::CommandResult;
using ::testing::HasSubstr;
using testing::LocalOpenStack;
using testing::RunCommand;

TEST(OpenStackGuestTest, ARealServerBootsWithTheKeysTheControllerGaveIt) {
  if (!LocalOpenStack::LxcAvailable())
    GTEST_SKIP()
        << "OpenStack with libvirt-LXC is not installed (scripts/install-deps), or not root";
  // The local provider's base image (built once, kept in the image cache), as a raw ext4 disk.
  absl::StatusOr<local::DebianMirrors> mirrors = local::HostDebianMirrors();
  ASSERT_TRUE(mirrors.ok()) << mirrors.status();
  absl::StatusOr<std::string> rootfs =
      local::EnsureBaseImage("/var/cache/deploymachine", *mirrors, nullptr);
  ASSERT_TRUE(rootfs.ok()) << rootfs.status();
  TempDir work("dm-guest");
  const std::string image = work.Path("guest.img");
  CommandResult built = RunCommand(
      {absl::StrCat(DM_SOURCE_DIR, "/tests/openstack/build-guest-image"), *rootfs, image},
      absl::Minutes(5));
  ASSERT_EQ(built.exit_code, 0) << built.out << built.err;

  LocalOpenStack cloud;
  absl::Status up = cloud.Start("lxc", image);
  ASSERT_TRUE(up.ok()) << up;

  // The operator's key and the server's host key, as the ServerManager makes them.
  const std::string operator_key = work.Path("operator");
  ASSERT_EQ(RunCommand({"/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", operator_key})
                .exit_code,
            0);
  absl::StatusOr<HostKeyPair> host_key = GenerateHostKey();
  ASSERT_TRUE(host_key.ok());

  std::unique_ptr<HttpClient> curl = NewCurlHttpClient();
  RetryingHttpClient http(curl.get(), Clock::Real());
  OpenStackOptions o;
  o.cloud.name = "os1";
  o.cloud.image = cloud.Get("image");
  o.cloud.size = cloud.Get("flavor");
  o.cloud.poll_every = absl::Seconds(1);
  o.cloud.boot_timeout = absl::Minutes(3);
  o.auth = {cloud.Get("auth_url"), cloud.Get("user"),   cloud.Get("password"),
            cloud.Get("project"),  cloud.Get("domain"), cloud.Get("region")};
  o.network = cloud.Get("network");
  OpenStackProvider provider(&http, o);
  ServerSpec spec;
  spec.name = "guest-1";
  spec.ssh_public_key = *ReadFile(operator_key + ".pub");
  spec.user_data = CloudInitUserData(*host_key);
  spec.tags = {{kFleetTag, "shop"}};
  absl::StatusOr<ServerInfo> server = provider.Create(spec, nullptr);
  ASSERT_TRUE(server.ok()) << server.status();
  ASSERT_THAT(server->address, HasSubstr("10.123.0."));

  const std::string known = work.Path("known_hosts");
  ASSERT_TRUE(
      WriteFileAtomic(known, absl::StrCat(server->address, " ", host_key->public_line, "\n"), 0600)
          .ok());
  CommandResult ssh;
  for (int attempt = 0; attempt < 60; ++attempt) {
    ssh =
        RunCommand({"/usr/bin/ssh", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes", "-o",
                    "UserKnownHostsFile=" + known, "-o", "ConnectTimeout=3", "-i", operator_key,
                    "root@" + server->address, "cat /etc/ssh/ssh_host_ed25519_key.pub"},
                   absl::Seconds(20));
    if (ssh.exit_code == 0) break;
    absl::SleepFor(absl::Seconds(2));
  }
  ASSERT_EQ(ssh.exit_code, 0) << ssh.out << ssh.err;
  EXPECT_THAT(ssh.out, HasSubstr(host_key->public_line.substr(12, 40)));

  // Another host key is refused: ssh checks, it does not trust.
  absl::StatusOr<HostKeyPair> other = GenerateHostKey();
  ASSERT_TRUE(
      WriteFileAtomic(known, absl::StrCat(server->address, " ", other->public_line, "\n"), 0600)
          .ok());
  CommandResult refused =
      RunCommand({"/usr/bin/ssh", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes", "-o",
                  "UserKnownHostsFile=" + known, "-o", "ConnectTimeout=3", "-i", operator_key,
                  "root@" + server->address, "true"},
                 absl::Seconds(20));
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_THAT(refused.err, HasSubstr("HOST IDENTIFICATION HAS CHANGED"));

  ASSERT_TRUE(provider.Delete("guest-1").ok());
}

}  // namespace
}  // namespace dm
