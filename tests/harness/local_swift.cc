#include "tests/harness/local_swift.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <set>

#include "absl/strings/str_cat.h"
#include "common/files.h"
#include "common/free_port.h"
#include "common/process.h"
#include "common/status_macros.h"

namespace dm::testing {
namespace {

// True once anything answers HTTP on `port` (the proxy answers before the storage servers
// listen, so each is asked).
bool Answers(const std::string& host, uint16_t port) {
  for (int i = 0; i < 150; ++i) {
    absl::StatusOr<std::string> code =
        RunChecked({"curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-m", "2", "--noproxy",
                    "*", absl::StrCat("http://", host, ":", port, "/info")});
    if (code.ok() && *code != "000") return true;
    ::usleep(100 * 1000);
  }
  return false;
}

}  // namespace

bool LocalSwift::Installed() {
  return RunChecked({"sh", "-c",
                     "command -v swift-proxy-server && command -v swift-ring-builder && command -v "
                     "memcached"})
      .ok();
}

std::string LocalSwift::endpoint() const {
  return absl::StrCat("http://", proxy_host_, ":", proxy_);
}

std::string LocalSwift::keystone_endpoint() const {
  return absl::StrCat("http://127.0.0.1:", keystone_proxy_);
}

absl::Status LocalSwift::StartKeystoneProxy(const std::string& keystone_url,
                                            const std::string& admin,
                                            const std::string& admin_password) {
  DM_ASSIGN_OR_RETURN(keystone_proxy_, FreeTcpPort("127.0.0.1"));
  DM_RETURN_IF_ERROR(StartServer(
      "keystone-proxy", keystone_proxy_,
      absl::StrCat(
          "[pipeline:main]\npipeline = catch_errors proxy-logging cache authtoken keystoneauth "
          "proxy-logging "
          "proxy-server\n\n[app:proxy-server]\nuse = egg:swift#proxy\naccount_autocreate = "
          "true\n\n",
          "[filter:authtoken]\npaste.filter_factory = "
          "keystonemiddleware.auth_token:filter_factory\n",
          "www_authenticate_uri = ", keystone_url, "\nauth_url = ", keystone_url,
          "\nauth_type = password\n",
          "interface = public\nproject_domain_id = default\nuser_domain_id = default\nproject_name "
          "= ",
          admin, "\nusername = ", admin, "\npassword = ", admin_password,
          "\ndelay_auth_decision = true\n\n",
          "[filter:keystoneauth]\nuse = egg:swift#keystoneauth\noperator_roles = admin, member\n\n",
          "[filter:cache]\nuse = egg:swift#memcache\nmemcache_servers = 127.0.0.1:", memcached_,
          "\n\n", "[filter:catch_errors]\nuse = egg:swift#catch_errors\n\n[filter:proxy-logging]\n",
          "use = egg:swift#proxy_logging\n")));
  if (!Answers("127.0.0.1", keystone_proxy_)) {
    return absl::DeadlineExceededError(
        absl::StrCat("the Keystone proxy did not answer; logs in ", root_));
  }
  return absl::OkStatus();
}

absl::Status LocalSwift::Start(const std::string& proxy_host) {
  proxy_host_ = proxy_host;
  root_ = dir_.path();
  DM_RETURN_IF_ERROR(MakeDirectories(root_ + "/srv/d1", 0755));
  // Five different free ports (the kernel may hand out a just-released one again).
  std::set<uint16_t> taken;
  for (uint16_t* port : {&proxy_, &account_, &container_, &object_, &memcached_}) {
    do {
      DM_ASSIGN_OR_RETURN(*port, FreeTcpPort(port == &proxy_ ? proxy_host_ : "127.0.0.1"));
    } while (!taken.insert(*port).second);
  }
  // Rings: where each account, container and object lives (here: one device each).
  for (const auto& [ring, port] : std::vector<std::pair<std::string, uint16_t>>{
           {"account", account_}, {"container", container_}, {"object", object_}}) {
    std::string builder = absl::StrCat(root_, "/", ring, ".builder");
    DM_RETURN_IF_ERROR(
        RunChecked({"swift-ring-builder", builder, "create", "6", "1", "1"}).status());
    DM_RETURN_IF_ERROR(RunChecked({"swift-ring-builder", builder, "add",
                                   absl::StrCat("r1z1-127.0.0.1:", port, "/d1"), "100"})
                           .status());
    DM_RETURN_IF_ERROR(RunChecked({"swift-ring-builder", builder, "rebalance"}).status());
    DM_RETURN_IF_ERROR(
        StartServer(ring, port,
                    absl::StrCat("[pipeline:main]\npipeline = ", ring, "-server\n\n[app:", ring,
                                 "-server]\nuse = egg:swift#", ring, "\n")));
  }
  DM_ASSIGN_OR_RETURN(std::unique_ptr<ChildProcess> memcached,
                      ChildProcess::Start({"memcached", "-l", "127.0.0.1", "-p",
                                           absl::StrCat(memcached_), "-U", "0", "-u", "nobody"},
                                          root_ + "/memcached.log"));
  children_.push_back(std::move(memcached));
  // TempAuth's user line: user_ACCOUNT_USER = KEY .admin
  std::string user(kUser);
  user[user.find(':')] = '_';
  DM_RETURN_IF_ERROR(StartServer(
      "proxy", proxy_,
      absl::StrCat(
          "[pipeline:main]\npipeline = catch_errors proxy-logging cache s3api tempauth "
          "proxy-logging "
          "proxy-server\n\n[app:proxy-server]\nuse = egg:swift#proxy\naccount_autocreate = true\n\n"
          "[filter:tempauth]\nuse = egg:swift#tempauth\nuser_",
          user, " = ", kKey, " .admin\n\n",
          "[filter:s3api]\nuse = egg:swift#s3api\n\n[filter:cache]\nuse = egg:swift#memcache\n",
          "memcache_servers = 127.0.0.1:", memcached_,
          "\n\n[filter:catch_errors]\nuse = egg:swift#catch_errors\n\n",
          "[filter:proxy-logging]\nuse = egg:swift#proxy_logging\n")));
  for (uint16_t port : {account_, container_, object_, proxy_}) {
    if (!Answers(port == proxy_ ? proxy_host_ : "127.0.0.1", port)) {
      return absl::DeadlineExceededError(
          absl::StrCat("Swift on port ", port, " did not answer; logs in ", root_));
    }
  }
  return absl::OkStatus();
}

absl::Status LocalSwift::StartServer(const std::string& name, uint16_t port,
                                     const std::string& pipeline) {
  // Both proxies are swift-proxy-server.
  const std::string server = name == "keystone-proxy" ? "proxy" : name;
  // The servers drop to `user`: the test's own.
  const passwd* me = ::getpwuid(::geteuid());
  std::string conf = absl::StrCat(
      "[DEFAULT]\nbind_ip = ", name == "proxy" ? proxy_host_ : std::string("127.0.0.1"),
      "\nbind_port = ", port, "\ndevices = ", root_,
      "/srv\nmount_check = false\nswift_dir = ", root_,
      "\nworkers = 0\nuser = ", me ? me->pw_name : "root", "\nlog_name = ", name, "\n\n", pipeline);
  std::string path = absl::StrCat(root_, "/", name, "-server.conf");
  DM_RETURN_IF_ERROR(WriteFileAtomic(path, conf, 0644));
  DM_ASSIGN_OR_RETURN(std::unique_ptr<ChildProcess> child,
                      ChildProcess::Start({absl::StrCat("swift-", server, "-server"), path},
                                          root_ + "/" + name + ".log"));
  children_.push_back(std::move(child));
  return absl::OkStatus();
}

void LocalSwift::ForgetTokens() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in at{};
  at.sin_family = AF_INET;
  at.sin_port = htons(memcached_);
  at.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&at), sizeof(at)) == 0) {
    const char command[] = "flush_all\r\n";
    (void)!::write(fd, command, sizeof(command) - 1);
    char reply[16];
    (void)!::read(fd, reply, sizeof(reply));
  }
  ::close(fd);
}

}  // namespace dm::testing
