// Real servers on this machine: two local servers booted, bootstrapped in parallel and enrolled,
// their hardening checked from outside, bootstrap run again, both destroyed with nothing left.
// Needs root (namespaces, mounts), as CI has.
#include <unistd.h>

#include <filesystem>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/files.h"
#include "common/process.h"
#include "common/tls/digest.h"
#include "controller/providers/local/local_provider.h"
#include "nlohmann/json.hpp"
#include "tests/harness/local_servers_fixture.h"

namespace dm::testing {
namespace {

using ServersTest = LocalServersTest;

TEST_F(ServersTest, BootBootstrapHardenAndDestroyTwoServers) {
  for (const char* name : {"web-1", "web-2"}) {
    CommandResult boot = Dmctl({"servers", "boot", name, "--role", "example", "--json"});
    ASSERT_EQ(boot.exit_code, 0) << boot.out << boot.err;
    nlohmann::json server = nlohmann::json::parse(boot.out);
    EXPECT_EQ(server["state"], "running");
    EXPECT_EQ(server["provider"], "local");
    EXPECT_TRUE(absl::StartsWith(server["ssh_host_key_fingerprint"].get<std::string>(), "SHA256:"));
  }
  nlohmann::json servers = Servers();
  ASSERT_EQ(servers.size(), 2u);
  EXPECT_EQ(servers[0]["name"], "web-1");
  EXPECT_EQ(servers[0]["role"], "example");
  EXPECT_EQ(servers[0]["address"], subnet_ + ".2");
  const std::string web1 = servers[0]["address"], web2 = servers[1]["address"];

  CommandResult bootstrap = Dmctl({"bootstrap", "web-1", "web-2", "--json"});
  ASSERT_EQ(bootstrap.exit_code, 0) << bootstrap.out << bootstrap.err << AllLogs();
  nlohmann::json results = nlohmann::json::parse(bootstrap.out);
  for (const auto& r : results) {
    EXPECT_TRUE(r["changed"].get<bool>());
    EXPECT_GT(r["bytes_sent"].get<int>(), 1000);
  }
  EXPECT_EQ(AgentState("web-1"), "connected");
  EXPECT_EQ(AgentState("web-2"), "connected");
  EXPECT_EQ(Servers()[1]["agent"], "connected");
  for (const char* name : {"web-1", "web-2"}) {
    CommandResult r = Dmctl({"exec", name, "--", "hostname"});
    EXPECT_EQ(r.out, std::string(name) + "\n") << r.err;
  }

  // Hardening, seen from outside: no root login, no passwords, and a port nobody opened is
  // closed to the other server (which can still reach SSH).
  EXPECT_TRUE(absl::StrContains(Ssh("root@" + web1).output, "Permission denied (publickey)"));
  EXPECT_TRUE(absl::StrContains(
      Ssh("deploy@" + web1,
          {"PubkeyAuthentication=no", "PreferredAuthentications=password,keyboard-interactive"})
          .output,
      "Permission denied (publickey)"));
  EXPECT_EQ(Ssh("deploy@" + web1).exit_code, 0);
  ASSERT_EQ(Dmctl({"exec", "web-1", "--", "sh", "-c",
                   "nohup perl -MIO::Socket::INET -e 'my $s = "
                   "IO::Socket::INET->new(LocalPort=>9090,Listen=>5,ReuseAddr=>1) "
                   "or die; sleep 600' >/dev/null 2>&1 & "
                   // Listening once perl has started: on a busy machine that takes a while.
                   "for i in $(seq 100); do ss -ltn | grep -q :9090 && exit 0; sleep 0.1; done; "
                   "exit 1"})
                .exit_code,
            0);
  CommandResult ssh_port = Dmctl(
      {"exec", "web-2", "--", "timeout", "5", "bash", "-c", "echo > /dev/tcp/" + web1 + "/22"});
  EXPECT_EQ(ssh_port.exit_code, 0) << ssh_port.err;
  CommandResult closed = Dmctl(
      {"exec", "web-2", "--", "timeout", "3", "bash", "-c", "echo > /dev/tcp/" + web1 + "/9090"});
  EXPECT_EQ(closed.exit_code, 124) << closed.err;  // timed out: dropped, not even refused

  // The cookbook engine on a real host with systemd: the example role makes sure of python3
  // (there already, as on a cloud image) and runs the site as a systemd unit.
  CommandResult converge = Dmctl({"converge", "web-1", "--json"}, "", absl::Minutes(5));
  ASSERT_EQ(converge.exit_code, 0) << converge.out << converge.err;
  EXPECT_EQ(nlohmann::json::parse(converge.out)[0]["status"], "converged");
  CommandResult page =
      Dmctl({"exec", "web-1", "--", "sh", "-c",
             "systemctl is-active example-site && python3 -c 'import urllib.request, time; "
             "time.sleep(0.5); "
             "print(urllib.request.urlopen(\"http://127.0.0.1:8080/\").read().decode())'"});
  EXPECT_EQ(page.exit_code, 0) << page.err;
  EXPECT_TRUE(absl::StrContains(page.out, "<h1>DeployMachine example</h1>")) << page.out;
  CommandResult reconverge = Dmctl({"converge", "web-1", "--json"});
  EXPECT_EQ(nlohmann::json::parse(reconverge.out)[0]["changed"], 0) << reconverge.out;

  // A controller killed with -9 and restarted finds its servers running and their agents back.
  ASSERT_EQ(StopController(SIGKILL), 128 + SIGKILL);
  StartController("ctl", {"--local-bridge", bridge_, "--local-subnet", subnet_, "--deploy-dir",
                          std::string(DM_SOURCE_DIR) + "/deploy"});
  EXPECT_TRUE(WaitForAgentState("web-1", "connected", absl::Seconds(60)));
  EXPECT_EQ(Servers()[0]["state"], "running");

  // Again: nothing changes.
  CommandResult again = Dmctl({"bootstrap", "web-1", "web-2", "--json"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  for (const auto& r : nlohmann::json::parse(again.out))
    EXPECT_FALSE(r["changed"].get<bool>()) << r.dump();

  for (const char* name : {"web-1", "web-2"})
    ASSERT_EQ(Dmctl({"servers", "destroy", name}).exit_code, 0);
  EXPECT_EQ(Servers().size(), 0u);
  EXPECT_EQ(AgentState("web-1"), "");  // its agent went with it
  // Nothing left behind: process, mount, namespace, veth, folder.
  std::string state = Path("ctl/local");
  EXPECT_EQ(Sh("pgrep -f '[s]ystemd-nspawn.*" + state + "' || true").output, "");
  EXPECT_FALSE(absl::StrContains(ReadFile("/proc/self/mounts").value_or(""), state));
  // Host-wide names carry a tag of the provider's state folder (local_provider.cc).
  EXPECT_FALSE(absl::StrContains(Sh("ip netns list").output, "-" + Sha256Hex(state).substr(0, 6)));
  EXPECT_EQ(Sh("ip -o link show master " + bridge_ + " | wc -l").output, "0\n");
  EXPECT_FALSE(PathExists(state + "/servers/web-1"));
}

TEST_F(ServersTest, AWrongHostKeyIsRefusedBeforeAnythingRuns) {
  ASSERT_EQ(Dmctl({"servers", "boot", "spoofed"}).exit_code, 0);
  // Another machine answering at that address is simulated by the provider reporting another key.
  std::string info_path = Path("ctl/local/servers/spoofed/server.json");
  nlohmann::json info = nlohmann::json::parse(ReadFile(info_path).value_or("{}"));
  ProcessResult other =
      Sh("ssh-keygen -q -t ed25519 -N '' -f " + Path("other") + " && cat " + Path("other.pub"));
  info["ssh_host_key"] = other.output.substr(0, other.output.find('\n'));
  ASSERT_TRUE(WriteFileAtomic(info_path, info.dump(), 0600).ok());

  CommandResult r = Dmctl({"bootstrap", "spoofed"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(absl::StrContains(r.err, "step connect: host key mismatch")) << r.err;
  // Nothing ran: there is no deploy user, root may still log in.
  std::string address = Servers()[0]["address"];
  ProcessResult id =
      Sh("ssh -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -i " +
         Path("ctl/ssh/operator_ed25519") + " root@" + address + " id deploy 2>&1");
  EXPECT_NE(id.exit_code, 0);
  EXPECT_TRUE(absl::StrContains(id.output, "no such user")) << id.output;
  EXPECT_EQ(Servers()[0]["bootstrap"], "failed");
}

}  // namespace
}  // namespace dm::testing
