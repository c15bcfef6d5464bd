// dmctl servers at cloud providers end to end: a real controller whose --providers file names a
// Hetzner and a DigitalOcean provider, their APIs answered by contract fakes in this process.
// Servers boot with a host key the controller made (in their user data) and are listed, those
// a crash left behind are shown as not recorded and removed by name, and a controller killed
// while the cloud was creating its server finds that server again instead of booting a twin.
#include <signal.h>

#include <thread>

#include <gmock/gmock.h>

#include "absl/strings/str_cat.h"
#include "bootstrap/host_key.h"
#include "common/files.h"
#include "controller/providers/cloud/testing/fake_digitalocean_api.h"
#include "controller/providers/cloud/testing/fake_hetzner_api.h"
#include "tests/harness/fleet_fixture.h"

namespace dm::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kHetznerToken[] = "hz-t0ken-never-shown";
constexpr char kDigitalOceanToken[] = "do-t0ken-never-shown";

class CloudServersTest : public FleetTest {
 protected:
  void SetUp() override {
    FleetTest::SetUp();
    hetzner_ = std::move(*FakeHetznerApi::Start(kHetznerToken));
    digitalocean_ = std::move(*FakeDigitalOceanApi::Start(kDigitalOceanToken));
    ASSERT_TRUE(WriteFileAtomic(Path("providers.yaml"),
                                absl::StrCat("cloud:\n"
                                             "  - name: hz\n"
                                             "    type: hetzner\n"
                                             "    api_token: ",
                                             kHetznerToken,
                                             "\n"
                                             "    api_url: ",
                                             hetzner_->url(),
                                             "\n"
                                             "    timeout: 2s\n"
                                             "  - name: do\n"
                                             "    type: digitalocean\n"
                                             "    api_token: ",
                                             kDigitalOceanToken,
                                             "\n"
                                             "    api_url: ",
                                             digitalocean_->url(),
                                             "\n"
                                             "    region: fra1\n"
                                             "    timeout: 2s\n"),
                                0600)
                    .ok());
    Start();
  }
  void Start() {
    StartController(
        "ctl", {"--providers", Path("providers.yaml"), "--local-provider", "off", "--dns-listen",
                "off", "--advertise", "198.51.100.7", "--git-port", "0"});
  }
  nlohmann::json Json(const CommandResult& result) {
    return nlohmann::json::parse(result.out, nullptr, false);
  }

  std::unique_ptr<FakeHetznerApi> hetzner_;
  std::unique_ptr<FakeDigitalOceanApi> digitalocean_;
};

TEST_F(CloudServersTest, ServersBootWithAKnownHostKeyAndLeftoversAreFoundAndRemoved) {
  CommandResult boot =
      Dmctl({"servers", "boot", "web-1", "--provider", "hz", "--size", "cx32", "--json"});
  ASSERT_EQ(boot.exit_code, 0) << boot.err << AllLogs();
  nlohmann::json server = Json(boot);
  EXPECT_EQ(server["provider"], "hz");
  EXPECT_EQ(server["state"], "running");
  EXPECT_THAT(server["address"].get<std::string>(), HasSubstr("203.0.113."));
  EXPECT_THAT(server["private_address"].get<std::string>(), HasSubstr("10.10.0."));
  EXPECT_EQ(server["size"], "cx32");
  EXPECT_EQ(server["recorded"], true);

  // The server got its host key in its user data; the controller shows that key's fingerprint.
  std::vector<FakeServer> held = hetzner_->Servers();
  ASSERT_EQ(held.size(), 1u);
  const std::string& user_data = held[0].user_data;
  EXPECT_THAT(user_data, HasSubstr("#cloud-config"));
  EXPECT_THAT(user_data, HasSubstr("BEGIN OPENSSH PRIVATE KEY"));
  const size_t at = user_data.find("ed25519_public: ");
  ASSERT_NE(at, std::string::npos);
  const std::string public_line = user_data.substr(at + 16, user_data.find('\n', at) - at - 16);
  EXPECT_EQ(server["ssh_host_key_fingerprint"], *HostKeyFingerprint(public_line));
  EXPECT_EQ(held[0].tags["dm-server"], "web-1");
  EXPECT_EQ(held[0].ssh_keys.size(), 1u);

  // Left behind by a crash: listed by the provider, not recorded, removed by name.
  FakeServer leftover;
  leftover.name = "old-1";
  leftover.size = "cx22";
  leftover.tags = {{"deploymachine", "1"}, {"dm-server", "old-1"}, {"dm-fleet", "shop"}};
  hetzner_->AddServer(leftover);
  CommandResult listed = Dmctl({"servers", "list", "--provider", "hz", "--json"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  nlohmann::json servers = Json(listed);
  ASSERT_EQ(servers.size(), 2u) << listed.out;
  for (const nlohmann::json& s : servers) {
    EXPECT_EQ(s["recorded"], s["name"] == "web-1") << s.dump();
    if (s["name"] == "old-1") {
      EXPECT_EQ(s["fleet"], "shop");
    }
  }
  CommandResult table = Dmctl({"servers", "list", "--provider", "hz"});
  EXPECT_THAT(table.out, HasSubstr("RECORDED"));
  EXPECT_EQ(Json(Dmctl({"servers", "list", "--json"})).size(), 1u) << "the records: web-1";

  CommandResult remove = Dmctl({"servers", "destroy", "old-1", "--provider", "hz"});
  ASSERT_EQ(remove.exit_code, 0) << remove.err;
  EXPECT_EQ(hetzner_->Servers().size(), 1u);
  EXPECT_EQ(Dmctl({"servers", "destroy", "old-1", "--provider", "hz"}).exit_code, 1);

  ASSERT_EQ(Dmctl({"servers", "destroy", "web-1"}).exit_code, 0);
  EXPECT_TRUE(hetzner_->Servers().empty());
  EXPECT_FALSE(PathExists(Path("ctl/ssh/hosts/web-1"))) << "the host key went with it";

  // A name someone else's server holds there: refused, and nothing is kept of it here.
  FakeServer theirs;
  theirs.name = "theirs-1";
  hetzner_->AddServer(theirs);
  CommandResult taken = Dmctl({"servers", "boot", "theirs-1", "--provider", "hz"});
  EXPECT_EQ(taken.exit_code, 1);
  EXPECT_THAT(taken.err, HasSubstr("did not boot"));
  EXPECT_THAT(Dmctl({"servers", "list"}).out, Not(HasSubstr("theirs-1")));
  EXPECT_FALSE(PathExists(Path("ctl/ssh/hosts/theirs-1")));

  CommandResult unknown = Dmctl({"servers", "boot", "x-1", "--provider", "nowhere"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_THAT(unknown.err, HasSubstr("unknown provider 'nowhere' (available: local, do, hz"));
  const std::string logs = AllLogs();
  EXPECT_THAT(logs, Not(HasSubstr(kHetznerToken)));
  EXPECT_THAT(logs, Not(HasSubstr("BEGIN OPENSSH PRIVATE KEY"))) << "no host key in any log";
}

TEST_F(CloudServersTest, AControllerKilledWhileTheCloudCreatedItsServerBootsNoTwin) {
  digitalocean_->LoseNextCreateAnswer(absl::Seconds(3));
  CommandResult first;
  std::thread boot([&] { first = Dmctl({"servers", "boot", "db-1", "--provider", "do"}); });
  for (int i = 0; i < 200 && digitalocean_->Servers().empty(); ++i)
    absl::SleepFor(absl::Milliseconds(50));
  ASSERT_EQ(digitalocean_->Servers().size(), 1u) << "the cloud made the server";
  StopController(SIGKILL);  // before its answer came
  boot.join();
  EXPECT_NE(first.exit_code, 0);
  absl::SleepFor(absl::Seconds(3));  // the fake answers the dead controller's call first

  Start();
  CommandResult again = Dmctl({"servers", "boot", "db-1", "--provider", "do"});
  ASSERT_EQ(again.exit_code, 0) << again.err << AllLogs();
  EXPECT_THAT(again.err, HasSubstr("adopting it"));
  ASSERT_EQ(digitalocean_->Servers().size(), 1u) << "no twin";
  nlohmann::json listed = Json(Dmctl({"servers", "list", "--json"}));
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0]["provider_id"], std::to_string(digitalocean_->Servers()[0].id));
  // The same host key as before the crash: the one in the server's user data.
  // A copy: Servers() returns its list by value.
  const std::string user_data = digitalocean_->Servers()[0].user_data;
  const size_t at = user_data.find("ed25519_public: ");
  ASSERT_NE(at, std::string::npos);
  EXPECT_EQ(listed[0]["ssh_host_key_fingerprint"],
            *HostKeyFingerprint(user_data.substr(at + 16, user_data.find('\n', at) - at - 16)));
}

}  // namespace
}  // namespace dm::testing
