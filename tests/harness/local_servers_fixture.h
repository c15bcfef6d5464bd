// A fleet test with real local servers (systemd-nspawn; needs root, as CI has): the controller
// gets a bridge and subnet of its own so that tests run in parallel, servers left by earlier
// runs that died are swept first, and whatever a failed test leaves is removed after it.
#ifndef DM_TESTS_HARNESS_LOCAL_SERVERS_FIXTURE_H_
#define DM_TESTS_HARNESS_LOCAL_SERVERS_FIXTURE_H_

#include <memory>
#include <string>
#include <vector>

#include "common/process.h"
#include "tests/harness/fleet_fixture.h"
#include "tests/harness/test_network.h"

namespace dm::testing {

// The example guestbook (deploy/examples/app) as a fleet file's `app:` says how to run it, after
// its repository and revision: the lines every test's fleet shares.
inline constexpr char kGuestbookApp[] =
    "  name: guestbook\n"
    "  wsgi: guestbook:app\n"
    "  packages: [python3-flask, python3-psycopg2, python3-pymemcache]\n"
    "  env: {GUESTBOOK_SECRET_KEY: {secret: guestbook.secret_key}}\n"
    "  migrate: python3 guestbook.py migrate\n"
    "  static: static\n";

class LocalServersTest : public FleetTest {
 protected:
  // Starts the controller with the local provider and the shipped cookbooks (deploy/), plus
  // `extra_args`. Skips the test when not root.
  void SetUp() override { SetUpWith({}); }
  void SetUpWith(const std::vector<std::string>& extra_args);
  void TearDown() override;
  // Stops the controller and starts it again with the same arguments plus `more_args`; the
  // servers keep running.
  void RestartController(const std::vector<std::string>& more_args = {});

  // sh -c COMMAND, with its output; at most `timeout`.
  ProcessResult Sh(const std::string& command, absl::Duration timeout = absl::Seconds(60));
  // `dmctl servers list --json`, parsed.
  nlohmann::json Servers();
  // ssh from this machine with the controller's operator key.
  ProcessResult Ssh(const std::string& user_at_host, const std::vector<std::string>& extra = {});
  // sh -c COMMAND inside server `name` (its namespaces, as root), behind the controller's back.
  ProcessResult InServer(const std::string& name, const std::string& command,
                         absl::Duration timeout = absl::Seconds(60));
  // Kills server `name` outright (every process in it, with SIGKILL), as a machine dies.
  void KillServer(const std::string& name);

  // The example app in a git repository of the test's own (Path("app")), as an operator's would
  // be; returns its commit.
  std::string MakeAppRepository();
  // Commits a change made by `edit` (a shell command run in the repository); returns the commit.
  std::string CommitToApp(const std::string& edit, const std::string& message);
  // Writes NAME.yaml: `roles` as YAML lines ("  appnode: 2\n"), the app at `revision`, generated
  // secrets, and `extra` lines. Returns its path.
  std::string WriteFleet(const std::string& name, const std::string& roles,
                         const std::string& revision = "main", const std::string& extra = "");

  // The A record of `name` from the controller's PowerDNS at dns_port_ ("" if none), by dig.
  std::string Dig(const std::string& name);

  std::string bridge_, subnet_;  // the network's, for short
  // Where a test that starts the controller with --dns-listen has its PowerDNS (127.0.0.1). Each
  // test picks from a range of its own, so that they run side by side.
  int dns_port_ = 0;
  // Set before SetUpWith: the controller gets no --deploy-dir; the roles and cookbooks are copied
  // to the test's deploy/ beside its fleet files, and dmctl sends them (as an operator's laptop
  // would to a controller elsewhere).
  bool send_deploy_folder_ = false;

 private:
  std::unique_ptr<TestNetwork> network_;  // claimed until TearDown has removed the bridge
  std::vector<std::string> controller_args_;
};

}  // namespace dm::testing

#endif  // DM_TESTS_HARNESS_LOCAL_SERVERS_FIXTURE_H_
