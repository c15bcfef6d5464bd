// A fleet on a real OpenStack, end to end (ctest label "openstack"; root): the test starts
// Keystone, Glance, Nova with its libvirt-LXC driver and Neutron from Debian's packages
// (tests/openstack/openstack-up), with the local provider's Debian image as the cloud's image.
// A controller that knows that cloud only from its --providers file, and has no cookbooks of its
// own, is told by `dmctl up` to build a one-host dbappbalancer fleet there: Nova boots the server,
// it takes its keys from the metadata service, bootstrap logs in checking the host key the
// controller gave it, the agent dials the --advertise address, the app comes from the
// controller's git daemon, and the guestbook serves through nginx with PostgreSQL beside it. A
// controller killed while Nova booted leaves no twin; `dmctl down` leaves nothing at Nova.
#include <signal.h>
#include <unistd.h>

#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/files.h"
#include "controller/providers/local/apt_proxy.h"
#include "controller/providers/local/base_image.h"
#include "tests/harness/local_openstack.h"
#include "tests/harness/local_servers_fixture.h"

namespace dm::testing {
namespace {

class OpenStackFleetTest : public LocalServersTest {
 protected:
  void SetUp() override {
    if (!LocalOpenStack::LxcAvailable())
      GTEST_SKIP() << "OpenStack with libvirt-LXC is not installed (scripts/install-deps), or "
                      "not root";
    FleetTest::SetUp();
    // The cloud's image: the local provider's base image (built once, kept in the image cache),
    // with the way to packages this machine offers its servers (the apt proxy below).
    absl::StatusOr<local::DebianMirrors> mirrors = local::HostDebianMirrors();
    ASSERT_TRUE(mirrors.ok()) << mirrors.status();
    absl::StatusOr<std::string> rootfs =
        local::EnsureBaseImage("/var/cache/deploymachine", *mirrors, nullptr);
    ASSERT_TRUE(rootfs.ok()) << rootfs.status();
    const std::string gateway = "10.123.0.1";  // this machine on the cloud's network
    const std::string image = image_dir_.Path("guest.img");
    CommandResult built =
        RunCommand({absl::StrCat(DM_SOURCE_DIR, "/tests/openstack/build-guest-image"), *rootfs,
                    image, absl::StrCat("http://", gateway, ":", local::kAptProxyPort)},
                   absl::Minutes(5));
    ASSERT_EQ(built.exit_code, 0) << built.out << built.err;
    absl::Status up = cloud_.Start("lxc", image);
    ASSERT_TRUE(up.ok()) << up;
    ASSERT_EQ(cloud_.Get("gateway"), gateway);
    apt_proxy_dir_ = Path("apt-proxy");
    absl::Status proxy = local::EnsureAptProxy(apt_proxy_dir_, gateway, *mirrors);
    ASSERT_TRUE(proxy.ok()) << proxy;

    ASSERT_TRUE(WriteFileAtomic(Path("providers.yaml"),
                                absl::StrCat("cloud:\n  - name: os1\n    type: openstack\n",
                                             "    auth_url: ", cloud_.Get("auth_url"), "\n",
                                             "    user: ", cloud_.Get("user"), "\n",
                                             "    password: ", cloud_.Get("password"), "\n",
                                             "    project: ", cloud_.Get("project"), "\n",
                                             "    domain: ", cloud_.Get("domain"), "\n",
                                             "    region: ", cloud_.Get("region"), "\n",
                                             "    image: ", cloud_.Get("image"), "\n",
                                             "    size: ", cloud_.Get("flavor"), "\n",
                                             "    network: ", cloud_.Get("network"), "\n"),
                                0600)
                    .ok());
    // dmctl sends the roles and cookbooks from beside the fleet file; the controller has none.
    ProcessResult copied =
        Sh(absl::StrCat("mkdir -p ", Path("deploy"), " && cp -r ", DM_SOURCE_DIR, "/deploy/roles ",
                        DM_SOURCE_DIR, "/deploy/cookbooks ", Path("deploy")));
    ASSERT_TRUE(copied.ok()) << copied.output;
    dns_port_ = 28000 + ::getpid() % 2000;
    // Its servers reach it at the gateway address: the agents' stream and the app's git daemon.
    StartCloudController(gateway + ":0");
    MakeAppRepository();
  }

  void StartCloudController(const std::string& listen) {
    StartController("ctl", {"--listen", listen, "--advertise", cloud_.Get("gateway"), "--git-port",
                            "0", "--providers", Path("providers.yaml"), "--local-provider", "off",
                            "--dns-listen", absl::StrCat("127.0.0.1:", dns_port_)});
  }

  void TearDown() override {
    if (!apt_proxy_dir_.empty()) local::StopAptProxy(apt_proxy_dir_);
    LocalServersTest::TearDown();
  }

  nlohmann::json Json(const CommandResult& result) {
    return nlohmann::json::parse(result.out, nullptr, false);
  }

  TempDir image_dir_{"dm-guest-image"};
  LocalOpenStack cloud_;
  std::string apt_proxy_dir_;
};

TEST_F(OpenStackFleetTest, UpBuildsAOneHostFleetOnServersNovaBoots) {
  const std::string fleet = Path("nova.yaml");
  ASSERT_TRUE(WriteFileAtomic(fleet,
                              absl::StrCat("name: nova\ndomain: nova.test\nprovider: os1\n"
                                           "roles:\n  dbappbalancer: 1\n"
                                           "app:\n  repository: app\n  revision: main\n",
                                           kGuestbookApp,
                                           "secrets:\n  database.password: {generate: 24}\n"
                                           "  guestbook.secret_key: {generate: 32}\n"),
                              0644)
                  .ok());

  // The controller dies (SIGKILL) while Nova boots the server; a second up finds that server by
  // its tags and goes on with it.
  CommandResult cut_short;
  std::thread first_up([&] { cut_short = Dmctl({"up", fleet}, "", absl::Minutes(15)); });
  std::string nova_id;
  ASSERT_TRUE(Eventually(
      [&] {
        nlohmann::json listed = Json(Dmctl({"servers", "list", "--provider", "os1", "--json"}));
        if (!listed.is_array() || listed.empty()) return false;
        nova_id = listed[0].value("provider_id", "");
        return true;
      },
      absl::Minutes(3)))
      << AllLogs();
  ASSERT_FALSE(nova_id.empty());
  StopController(SIGKILL);
  first_up.join();
  EXPECT_NE(cut_short.exit_code, 0) << cut_short.out;
  StartCloudController(controller_address());  // the same port: dmctl's config names it

  // Mostly apt through the proxy: PostgreSQL, nginx, gunicorn and Flask.
  CommandResult up = Dmctl({"up", fleet}, "", absl::Minutes(15));
  ASSERT_EQ(up.exit_code, 0) << up.out << up.err << AllLogs();
  EXPECT_TRUE(absl::StrContains(up.out, "answered 200 through")) << up.out;
  nlohmann::json adopted = Json(Dmctl({"servers", "list", "--provider", "os1", "--json"}));
  ASSERT_EQ(adopted.size(), 1u) << "no twin: " << adopted.dump();
  EXPECT_EQ(adopted[0]["provider_id"], nova_id) << "the server Nova booted for the killed one";

  CommandResult status = Dmctl({"status", "nova", "--json"});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  nlohmann::json hosts = Json(status);
  ASSERT_EQ(hosts.size(), 1u) << status.out;
  EXPECT_EQ(hosts[0]["agent"], "connected") << hosts.dump();
  EXPECT_EQ(hosts[0]["last_run"]["status"], "converged") << hosts.dump();
  const std::string address = hosts[0]["address"];
  ASSERT_TRUE(absl::StartsWith(address, "10.123.0.")) << "an address Neutron gave: " << address;

  // Nova holds it, tagged with its fleet and role.
  nlohmann::json at_nova = Json(Dmctl({"servers", "list", "--provider", "os1", "--json"}));
  ASSERT_EQ(at_nova.size(), 1u) << at_nova.dump();
  EXPECT_EQ(at_nova[0]["name"], "nova-dbappbalancer-1");
  EXPECT_EQ(at_nova[0]["fleet"], "nova");
  EXPECT_EQ(at_nova[0]["recorded"], true);

  // The host key the server presents is the one the controller made and handed over in its
  // user data: bootstrap trusted nothing on first use.
  nlohmann::json records = Json(Dmctl({"servers", "list", "--json"}));
  ASSERT_EQ(records.size(), 1u) << records.dump();
  const std::string expected = records[0]["ssh_host_key_fingerprint"];
  ProcessResult presented =
      Sh("ssh-keyscan -T 5 -t ed25519 " + address + " 2>/dev/null | ssh-keygen -lf -");
  EXPECT_FALSE(expected.empty());
  EXPECT_TRUE(absl::StrContains(presented.output, expected)) << presented.output << expected;
  // Hardened: root no longer logs in, the deploy user does with the operator's key.
  EXPECT_FALSE(Ssh("root@" + address).ok());
  EXPECT_TRUE(Ssh("deploy@" + address).ok());

  // DNS points at the load balancer, which serves the guestbook with its database.
  EXPECT_EQ(absl::StripAsciiWhitespace(
                Sh(absl::StrCat("dig +short +time=2 @127.0.0.1 -p ", dns_port_, " www.nova.test A"))
                    .output),
            address);
  const std::string url = "http://" + address + "/";
  EXPECT_EQ(
      Sh("curl -s -m 10 -o /dev/null -w '%{http_code}' -d name=ops -d message=nova " + url + "sign")
          .output,
      "303");
  std::string page = Sh("curl -sf -m 10 " + url).output;
  EXPECT_TRUE(absl::StrContains(page, "<li><b>ops</b>: nova</li>")) << page;

  // A second up changes nothing and boots no twin.
  CommandResult again = Dmctl({"up", fleet}, "", absl::Minutes(5));
  ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_EQ(Json(Dmctl({"servers", "list", "--provider", "os1", "--json"})).size(), 1u);

  CommandResult down = Dmctl({"down", "nova", "--yes"}, "", absl::Minutes(5));
  ASSERT_EQ(down.exit_code, 0) << down.out << down.err;
  EXPECT_TRUE(Json(Dmctl({"servers", "list", "--provider", "os1", "--json"})).empty());
}

}  // namespace
}  // namespace dm::testing
