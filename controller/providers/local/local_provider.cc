#include "controller/providers/local/local_provider.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <filesystem>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "common/files.h"
#include "common/process.h"
#include "common/status_macros.h"
#include "common/tls/digest.h"
#include "controller/providers/local/apt_proxy.h"
#include "controller/providers/local/base_image.h"
#include "controller/providers/local/host_tools.h"
#include "nlohmann/json.hpp"

namespace dm {
namespace {

constexpr char kRecordDir[] = "/run/deploymachine/local";

bool ValidServerName(const std::string& name) {
  if (name.empty() || name.size() > 32 || name[0] == '-' || name.back() == '-') return false;
  for (char c : name) {
    if (!(std::islower(static_cast<unsigned char>(c)) ||
          std::isdigit(static_cast<unsigned char>(c)) || c == '-')) {
      return false;
    }
  }
  return true;
}

bool NspawnRunning(int pid, const std::string& root) {
  if (pid <= 0) return false;
  std::string cmdline = ReadFile(absl::StrCat("/proc/", pid, "/cmdline")).value_or("");
  return absl::StrContains(cmdline, "systemd-nspawn") && absl::StrContains(cmdline, root);
}

bool Mounted(const std::string& path) {
  std::string mounts = ReadFile("/proc/self/mounts").value_or("");
  return absl::StrContains(mounts, " " + path + " ");
}

// True once something at address:22 speaks SSH.
bool SshAnswers(const std::string& address) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(22);
  ::inet_pton(AF_INET, address.c_str(), &addr.sin_addr);
  bool ok = false;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) {
    pollfd p{fd, POLLIN, 0};
    char banner[8] = {0};
    ok = ::poll(&p, 1, 1000) == 1 && ::read(fd, banner, 4) == 4 && std::string(banner, 4) == "SSH-";
  }
  ::close(fd);
  return ok;
}

absl::StatusOr<LocalLeftover> ReadRecord(const std::string& file) {
  absl::StatusOr<std::string> text = ReadFile(file);
  if (!text.ok()) return text.status();
  nlohmann::json j = nlohmann::json::parse(*text, nullptr, false);
  if (j.is_discarded()) return absl::DataLossError(absl::StrCat(file, " is not JSON"));
  return LocalLeftover{file,
                       j.value("state_dir", ""),
                       j.value("name", ""),
                       j.value("netns", ""),
                       j.value("veth", ""),
                       j.value("root", ""),
                       j.value("nspawn_pid", 0)};
}

absl::Status WriteRecord(const LocalLeftover& r) {
  DM_RETURN_IF_ERROR(MakeDirectories(kRecordDir, 0700));
  nlohmann::json j = {{"state_dir", r.state_dir}, {"name", r.name}, {"netns", r.netns},
                      {"veth", r.veth},           {"root", r.root}, {"nspawn_pid", r.nspawn_pid}};
  return WriteFileAtomic(r.record, j.dump(), 0600);
}

}  // namespace

struct LocalProvider::Paths {
  std::string dir, root, upper, work, info, pid, console, netns, veth, record;
};

LocalProvider::LocalProvider(LocalProviderOptions options)
    : options_(std::move(options)),
      network_(options_.bridge, options_.subnet),
      host_address_(network_.HostAddress()) {
  if (MakeDirectories(options_.state_dir, 0700).ok()) {
    lock_fd_ =
        ::open((options_.state_dir + "/provider.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    // Held by the first provider on this folder; a second one in the same process does not need it.
    if (lock_fd_ >= 0 && ::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
      ::close(lock_fd_);
      lock_fd_ = -1;
    }
  }
}

LocalProvider::~LocalProvider() {
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

bool LocalProvider::InUse(const std::string& state_dir) {
  int fd = ::open((state_dir + "/provider.lock").c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) return false;
  bool in_use = ::flock(fd, LOCK_EX | LOCK_NB) != 0;
  ::close(fd);
  return in_use;
}

LocalProvider::Paths LocalProvider::PathsOf(const std::string& name) const {
  Paths p;
  p.dir = absl::StrCat(options_.state_dir, "/servers/", name);
  p.root = p.dir + "/root";
  p.upper = p.dir + "/upper";
  p.work = p.dir + "/work";
  p.info = p.dir + "/server.json";
  p.pid = p.dir + "/nspawn.pid";
  p.console = p.dir + "/console.log";
  // Host-wide names must not collide between controllers (parallel tests): both carry a hash of
  // this provider's state folder. Interface names have 15 characters at most.
  std::string tag = Sha256Hex(options_.state_dir).substr(0, 6);
  p.netns = absl::StrCat("dm-", name, "-", tag);
  p.veth = absl::StrCat("dmv", Sha256Hex(options_.state_dir + "/" + name).substr(0, 8));
  p.record = absl::StrCat(kRecordDir, "/", p.netns, ".json");
  return p;
}

absl::StatusOr<ServerInfo> LocalProvider::Read(const std::string& name) const {
  Paths p = PathsOf(name);
  absl::StatusOr<std::string> text = ReadFile(p.info);
  if (!text.ok()) {
    if (absl::IsNotFound(text.status()))
      return absl::NotFoundError(absl::StrCat("no local server '", name, "'"));
    return text.status();
  }
  nlohmann::json j = nlohmann::json::parse(*text, nullptr, false);
  if (j.is_discarded()) return absl::DataLossError(absl::StrCat(p.info, " is not JSON"));
  ServerInfo info;
  info.name = name;
  info.provider = "local";
  info.address = j.value("address", "");
  info.private_address = info.address;  // one bridge: the servers' network is this machine's
  info.tags[kServerTag] = name;
  info.ssh_host_key = j.value("ssh_host_key", "");
  info.ssh_host_key_fingerprint = j.value("ssh_host_key_fingerprint", "");
  info.created = absl::FromUnixMillis(j.value("created_ms", int64_t{0}));
  int pid = 0;
  (void)absl::SimpleAtoi(absl::StripAsciiWhitespace(ReadFile(p.pid).value_or("")), &pid);
  // The info file says how far Create got; the machine itself says whether it still runs.
  const std::string state = j.value("state", "");
  if (state == "creating") {
    info.state = ProviderState::kCreating;
  } else if (state == "running") {
    info.state = NspawnRunning(pid, p.root) ? ProviderState::kRunning : ProviderState::kStopped;
  } else {
    info.state = ProviderState::kError;
  }
  return info;
}

absl::StatusOr<std::vector<ServerInfo>> LocalProvider::List() {
  std::vector<ServerInfo> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(options_.state_dir + "/servers", ec)) {
    absl::StatusOr<ServerInfo> info = Read(e.path().filename().string());
    if (info.ok()) out.push_back(std::move(*info));
  }
  std::sort(out.begin(), out.end(),
            [](const ServerInfo& a, const ServerInfo& b) { return a.name < b.name; });
  return out;
}

absl::StatusOr<ServerInfo> LocalProvider::Get(const std::string& name) { return Read(name); }

std::vector<std::string> LocalProvider::ServerNames() const {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(options_.state_dir + "/servers", ec))
    if (e.is_directory(ec)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

absl::StatusOr<ServerInfo> LocalProvider::Create(const ServerSpec& spec,
                                                 const ProgressFn& progress) {
  if (!ValidServerName(spec.name)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "'", spec.name, "' is not a server name: lower-case letters, digits and '-', at most 32"));
  }
  if (::geteuid() != 0)
    return absl::PermissionDeniedError("the local provider needs root (namespaces, mounts)");
  std::lock_guard<std::mutex> lock(mu_);
  if (PathExists(PathsOf(spec.name).dir)) {
    return absl::AlreadyExistsError(absl::StrCat("local server '", spec.name, "' exists"));
  }
  // The lowest free address: .2 upwards (.1 is this machine).
  std::set<std::string> taken;
  for (const ServerInfo& s : List().value_or(std::vector<ServerInfo>{})) taken.insert(s.address);
  int index = 2;
  while (index < 255 && taken.count(network_.AddressOf(index))) ++index;
  if (index == 255)
    return absl::ResourceExhaustedError("the local network has no free address left");

  absl::Status booted = Boot(spec, index, progress);
  if (!booted.ok()) {
    Paths p = PathsOf(spec.name);
    absl::StatusOr<LocalLeftover> record = ReadRecord(p.record);
    if (record.ok()) TearDown(*record);
    std::error_code ec;
    std::filesystem::remove_all(p.dir, ec);
    return booted;
  }
  return Read(spec.name);
}

absl::Status LocalProvider::Boot(const ServerSpec& spec, int index, const ProgressFn& progress) {
  DM_ASSIGN_OR_RETURN(local::DebianMirrors mirrors, local::HostDebianMirrors());
  DM_ASSIGN_OR_RETURN(std::string image,
                      local::EnsureBaseImage(options_.image_cache, mirrors, progress));
  DM_RETURN_IF_ERROR(network_.EnsureBridge());
  DM_RETURN_IF_ERROR(
      local::EnsureAptProxy(options_.state_dir + "/apt-proxy", host_address_, mirrors));

  Paths p = PathsOf(spec.name);
  const std::string address = network_.AddressOf(index);
  LocalLeftover record{p.record, options_.state_dir, spec.name, p.netns, p.veth, p.root, 0};
  DM_RETURN_IF_ERROR(WriteRecord(record));  // first, so that a crash from here on is found later
  for (const std::string& d : {p.upper, p.work, p.root})
    DM_RETURN_IF_ERROR(MakeDirectories(d, 0755));
  nlohmann::json info = {{"name", spec.name},
                         {"index", index},
                         {"address", address},
                         {"state", "creating"},
                         {"netns", p.netns},
                         {"veth", p.veth},
                         {"created_ms", absl::ToUnixMillis(absl::Now())}};
  DM_RETURN_IF_ERROR(WriteFileAtomic(p.info, info.dump(2), 0600));

  progress(absl::StrCat("preparing ", spec.name, " at ", address));
  DM_RETURN_IF_ERROR(
      RunChecked({"mount", "-t", "overlay", "overlay", "-o",
                  absl::StrCat("lowerdir=", image, ",upperdir=", p.upper, ",workdir=", p.work),
                  p.root})
          .status());
  // What a cloud does at first boot: name, host keys, the operator's key for root, and here the
  // way to packages (the apt proxy).
  DM_RETURN_IF_ERROR(WriteFileAtomic(p.root + "/etc/hostname", spec.name + "\n", 0644));
  DM_RETURN_IF_ERROR(
      WriteFileAtomic(p.root + "/etc/hosts",
                      absl::StrCat("127.0.0.1 localhost\n127.0.1.1 ", spec.name, "\n"), 0644));
  DM_RETURN_IF_ERROR(WriteFileAtomic(
      p.root + "/etc/apt/apt.conf.d/01proxy",
      absl::StrCat("Acquire::http::Proxy \"http://", host_address_, ":", local::kAptProxyPort,
                   "\";\n",
                   // A mirror that fails a request now and then must not fail a converge; a
                   // connection that sends nothing for 30 s is given up and the request retried
                   // (apt's default waits 120 s). It did not end the one hang seen here (apt sat
                   // idle after a short answer): see the proxy's warm-up and bootstrap's update.
                   "Acquire::Retries \"5\";\n", "Acquire::http::Timeout \"30\";\n"),
      0644));
  const std::string host_key = p.root + "/etc/ssh/ssh_host_ed25519_key";
  DM_RETURN_IF_ERROR(RunChecked({"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C",
                                 "root@" + spec.name, "-f", host_key})
                         .status());
  DM_ASSIGN_OR_RETURN(std::string public_key, ReadFile(host_key + ".pub"));
  DM_ASSIGN_OR_RETURN(std::string fingerprint_line,
                      RunChecked({"ssh-keygen", "-l", "-E", "sha256", "-f", host_key + ".pub"}));
  std::vector<std::string> words = absl::StrSplit(fingerprint_line, ' ');
  if (words.size() < 2) return absl::InternalError("ssh-keygen -l printed no fingerprint");
  DM_RETURN_IF_ERROR(MakeDirectories(p.root + "/root/.ssh", 0700));
  DM_RETURN_IF_ERROR(
      WriteFileAtomic(p.root + "/root/.ssh/authorized_keys", spec.ssh_public_key + "\n", 0600));

  DM_RETURN_IF_ERROR(network_.Attach(p.netns, p.veth, index));
  ForgetAddress(address, spec.name);

  progress(absl::StrCat("booting ", spec.name));
  // Detached: the server outlives a controller restart.
  const std::string pid_file = p.pid, console = p.console;
  DM_RETURN_IF_ERROR(SpawnDetached(
      {"systemd-nspawn", "-q", "-b", "-D", p.root, "--machine=" + p.netns, "--register=no",
       "--keep-unit", "--console=read-only",
       // Its own firewall, like any server; the namespace is its own.
       "--capability=CAP_NET_ADMIN", "--network-namespace-path=/run/netns/" + p.netns},
      console, pid_file));
  // The daemon writes its pid before it execs: wait for the pid, then for the exec (until then
  // its command line is still this program's, and it would read as "stopped while booting").
  // On a busy machine either can take a while.
  int pid = 0;
  for (absl::Time until = absl::Now() + absl::Seconds(20);
       !absl::SimpleAtoi(ReadFile(pid_file).value_or(""), &pid) || pid <= 0 ||
       !NspawnRunning(pid, p.root);) {
    if (absl::Now() > until || (pid > 0 && ::kill(pid, 0) != 0)) {
      return absl::InternalError(absl::StrCat(spec.name,
                                              ": systemd-nspawn did not start; its output:\n",
                                              ReadFile(console).value_or("")));
    }
    absl::SleepFor(absl::Milliseconds(10));
  }
  record.nspawn_pid = pid;
  DM_RETURN_IF_ERROR(WriteRecord(record));

  absl::Time deadline = absl::Now() + options_.boot_timeout;
  while (!SshAnswers(address)) {
    if (!NspawnRunning(pid, p.root)) {
      return absl::InternalError(absl::StrCat(spec.name, " stopped while booting; its console:\n",
                                              ReadFile(console).value_or("")));
    }
    if (absl::Now() > deadline) {
      return absl::DeadlineExceededError(absl::StrCat(spec.name, " did not answer SSH within ",
                                                      absl::FormatDuration(options_.boot_timeout)));
    }
    absl::SleepFor(absl::Milliseconds(50));
  }
  info["state"] = "running";
  info["ssh_host_key"] = std::string(absl::StripAsciiWhitespace(public_key));
  info["ssh_host_key_fingerprint"] = words[1];
  return WriteFileAtomic(p.info, info.dump(2), 0600);
}

absl::Status LocalProvider::Delete(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  Paths p = PathsOf(name);
  if (!PathExists(p.dir)) return absl::NotFoundError(absl::StrCat("no local server '", name, "'"));
  absl::StatusOr<LocalLeftover> record = ReadRecord(p.record);
  absl::StatusOr<ServerInfo> info = Read(name);
  TearDown(record.ok()
               ? *record
               : LocalLeftover{p.record, options_.state_dir, name, p.netns, p.veth, p.root, 0});
  if (info.ok() && !info->address.empty()) ForgetAddress(info->address, name);
  if (Mounted(p.root))
    return absl::InternalError(absl::StrCat(p.root, " is still mounted; not deleting its files"));
  std::error_code ec;
  std::filesystem::remove_all(p.dir, ec);
  if (ec) return absl::InternalError(absl::StrCat("removing ", p.dir, ": ", ec.message()));
  if (List().value_or(std::vector<ServerInfo>{}).empty())
    local::StopAptProxy(options_.state_dir + "/apt-proxy");
  return absl::OkStatus();
}

void LocalProvider::ForgetAddress(const std::string& address, const std::string& except) {
  // This machine and every other server may still map the address to the MAC of the server that
  // had it, and would keep sending there for up to a minute: a server booted at a reused address
  // would not answer, and load balancers would miss it.
  local::TryTool({"ip", "neigh", "flush", "to", address, "dev", network_.bridge()});
  for (const ServerInfo& other : List().value_or(std::vector<ServerInfo>{})) {
    if (other.name != except)
      local::TryTool({"ip", "-n", PathsOf(other.name).netns, "neigh", "flush", "to", address});
  }
}

void LocalProvider::TearDown(const LocalLeftover& s) {
  // A clean shutdown first (systemd stops its services), then force.
  if (NspawnRunning(s.nspawn_pid, s.root)) {
    ::kill(s.nspawn_pid, SIGTERM);
    absl::Time deadline = absl::Now() + absl::Seconds(15);
    while (NspawnRunning(s.nspawn_pid, s.root) && absl::Now() < deadline)
      absl::SleepFor(absl::Milliseconds(20));
    if (NspawnRunning(s.nspawn_pid, s.root)) ::kill(s.nspawn_pid, SIGKILL);
  }
  // Anything else still in the namespace (a container from an older record).
  if (!s.netns.empty()) {
    absl::StatusOr<std::string> pids = RunChecked({"ip", "netns", "pids", s.netns});
    for (absl::string_view line : absl::StrSplit(pids.value_or(""), '\n', absl::SkipEmpty())) {
      int pid = 0;
      if (absl::SimpleAtoi(line, &pid) && pid > 1) ::kill(pid, SIGKILL);
    }
  }
  for (int i = 0; i < 50 && !s.root.empty() && Mounted(s.root); ++i) {
    local::TryTool({"umount", s.root});
    if (Mounted(s.root)) absl::SleepFor(absl::Milliseconds(100));
  }
  if (!s.root.empty() && Mounted(s.root)) local::TryTool({"umount", "-l", s.root});
  local::BridgeNetwork::Detach(s.netns, s.veth);
  std::error_code ec;
  // /run is not a tmpfs here: nspawn's propagation folder stays unless removed.
  if (!s.netns.empty()) std::filesystem::remove_all("/run/systemd/nspawn/propagate/" + s.netns, ec);
  std::filesystem::remove(s.record, ec);
}

int LocalProvider::SweepLeftovers(const std::function<bool(const LocalLeftover&)>& is_leftover) {
  int swept = 0;
  std::error_code ec;
  // Apt proxies of dead state folders first: one left running would answer (with errors, its
  // cache gone) for the next provider that gets the same subnet.
  for (const auto& e : std::filesystem::directory_iterator("/proc", ec)) {
    std::string cmdline = ReadFile(e.path().string() + "/cmdline").value_or("");
    std::vector<std::string> args = absl::StrSplit(cmdline, '\0');
    if (args.size() < 3 || !absl::EndsWith(args[0], "apt-cacher-ng") || args[1] != "-c" ||
        !absl::EndsWith(args[2], "/apt-proxy/conf")) {
      continue;
    }
    LocalLeftover proxy;
    proxy.state_dir = args[2].substr(0, args[2].size() - std::string("/apt-proxy/conf").size());
    int pid = 0;
    if (is_leftover(proxy) && absl::SimpleAtoi(e.path().filename().string(), &pid))
      ::kill(pid, SIGTERM);
  }
  for (const auto& e : std::filesystem::directory_iterator(kRecordDir, ec)) {
    absl::StatusOr<LocalLeftover> record = ReadRecord(e.path().string());
    if (!record.ok() || !is_leftover(*record)) continue;
    TearDown(*record);
    std::filesystem::remove_all(record->state_dir + "/servers/" + record->name, ec);
    ++swept;
  }
  return swept;
}

}  // namespace dm
