#include "controller/providers/dns/embedded_powerdns.h"

#include <pwd.h>
#include <signal.h>
#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "common/files.h"
#include "common/free_port.h"
#include "common/process.h"
#include "common/random.h"
#include "common/sqlite/database.h"
#include "common/status_macros.h"

namespace dm {
namespace {

constexpr char kServer[] = "/usr/sbin/pdns_server";
constexpr char kSchema[] = "/usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql";
constexpr char kBackend[] = "/usr/lib/x86_64-linux-gnu/pdns/libgsqlite3backend.so";

absl::Status CreateDatabase(const std::string& path) {
  absl::StatusOr<std::string> schema = ReadFile(kSchema);
  if (!schema.ok())
    return absl::FailedPreconditionError(
        absl::StrCat(kSchema, " is missing: install pdns-backend-sqlite3"));
  DM_ASSIGN_OR_RETURN(std::unique_ptr<Database> db, Database::Open(path + ".new"));
  DM_RETURN_IF_ERROR(db->Exec(*schema));
  db.reset();
  if (::rename((path + ".new").c_str(), path.c_str()) != 0)
    return ErrnoStatus("rename", path, errno);
  return absl::OkStatus();
}

// A controller that died (SIGKILL, a crash) leaves its PowerDNS running: the death signal it set
// for its children is cleared when PowerDNS drops to its own user. That one still holds the port
// and the control socket, so it goes before a new one starts. `pid_file` names it; it is ours only
// if it still runs pdns_server on this folder.
void StopLeftoverServer(const std::string& pid_file, const std::string& config_arg) {
  const pid_t pid = RunningFromPidFile(pid_file, {kServer, config_arg});
  if (pid == 0) return;
  const std::string proc = absl::StrCat("/proc/", pid);
  ::kill(pid, SIGKILL);
  for (int i = 0; i < 100 && PathExists(proc); ++i) absl::SleepFor(absl::Milliseconds(20));
}

}  // namespace

absl::StatusOr<std::unique_ptr<EmbeddedPowerDns>> EmbeddedPowerDns::Start(
    const EmbeddedPowerDnsOptions& options) {
  if (::access(kServer, X_OK) != 0 || ::access(kBackend, R_OK) != 0) {
    return absl::FailedPreconditionError(
        "PowerDNS is not installed (pdns-server, pdns-backend-sqlite3): run scripts/install-deps, "
        "or start the "
        "controller with --dns-listen off");
  }
  std::unique_ptr<EmbeddedPowerDns> dns(new EmbeddedPowerDns());
  dns->options_ = options;
  const std::string& dir = options.dir;
  DM_RETURN_IF_ERROR(MakeDirectories(dir, 0700));
  const std::string database = dir + "/pdns.sqlite3";
  if (!PathExists(database)) DM_RETURN_IF_ERROR(CreateDatabase(database));

  // A new key each start: nothing but this controller talks to the API.
  const std::string api_key = RandomToken(32);
  DM_ASSIGN_OR_RETURN(uint16_t api_port, FreeTcpPort("127.0.0.1"));
  // As root, PowerDNS locks itself into its folder and drops to its own user (Debian's pdns)
  // once its port is bound; paths in the configuration are then inside the folder.
  const passwd* pdns_user = ::geteuid() == 0 ? ::getpwnam("pdns") : nullptr;
  const std::string inside = pdns_user ? "" : dir;
  std::string conf = absl::StrCat(
      "launch=gsqlite3\n", "gsqlite3-database=", inside, "/pdns.sqlite3\n",
      "local-address=", options.listen_host, "\n", "local-port=", options.port, "\n",
      "webserver=yes\n", "webserver-address=127.0.0.1\n", "webserver-port=", api_port, "\n",
      "webserver-allow-from=127.0.0.1/32\n", "api=yes\n", "api-key=", api_key, "\n",
      "guardian=no\n", "daemon=no\n", "disable-syslog=yes\n",
      "socket-dir=", inside.empty() ? "/" : inside, "\n", "write-pid=no\n", "loglevel=4\n",
      // Never ask the Internet (secpoll.powerdns.com) whether this version is secure.
      "security-poll-suffix=\n",
      "default-soa-content=ns1.@ hostmaster.@ 0 10800 3600 604800 3600\n",
      // Answers come from the database at once after a change.
      "query-cache-ttl=0\n", "negquery-cache-ttl=0\n", "cache-ttl=0\n",
      "zone-cache-refresh-interval=0\n");
  if (pdns_user) {
    absl::StrAppend(&conf, "chroot=", dir, "\nsetuid=pdns\nsetgid=pdns\n");
    for (const std::string& path : {dir, database}) {
      if (::chown(path.c_str(), pdns_user->pw_uid, pdns_user->pw_gid) != 0)
        return ErrnoStatus("chown", path, errno);
    }
  }
  DM_RETURN_IF_ERROR(WriteFileAtomic(dir + "/pdns.conf", conf, 0600));
  const std::string log = dir + "/pdns.log";
  const std::string config_arg = "--config-dir=" + dir;
  const std::string pid_file = dir + "/controller-pdns.pid";
  StopLeftoverServer(pid_file, config_arg);
  DM_ASSIGN_OR_RETURN(dns->server_, ChildProcess::Start({kServer, config_arg}, log));
  DM_RETURN_IF_ERROR(WriteFileAtomic(pid_file, absl::StrCat(dns->server_->pid(), "\n"), 0600));

  dns->api_url_ = absl::StrCat("http://127.0.0.1:", api_port);
  dns->http_ = NewCurlHttpClient();
  dns->api_key_ = api_key;
  dns->provider_ = std::make_unique<PowerDnsProvider>(dns->http_.get(), dns->api_url_, api_key);
  HttpRequest probe;
  probe.url = dns->api_url_ + "/api/v1/servers/localhost";
  probe.headers = {{"X-API-Key", api_key}};
  probe.timeout = absl::Seconds(2);
  for (absl::Time deadline = absl::Now() + absl::Seconds(15); absl::Now() < deadline;) {
    absl::StatusOr<HttpResponse> answer = dns->http_->Send(probe);
    if (answer.ok() && answer->status == 200) return dns;
    if (!dns->server_->Running()) break;
    absl::SleepFor(absl::Milliseconds(50));
  }
  std::string tail = ReadFile(log).value_or("");
  if (tail.size() > 2000) tail = tail.substr(tail.size() - 2000);
  return absl::UnavailableError(absl::StrCat("PowerDNS did not start on ", options.listen_host, ":",
                                             options.port, " (in use?); ", log, ":\n",
                                             absl::StripTrailingAsciiWhitespace(tail)));
}

}  // namespace dm
