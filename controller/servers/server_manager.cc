#include "controller/servers/server_manager.h"

#include <unistd.h>

#include <filesystem>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "bootstrap/host_key.h"
#include "bootstrap/ssh_session.h"
#include "common/failpoint.h"
#include "common/files.h"
#include "common/host_port.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "controller/providers/providers_config.h"
#include "controller/servers/cloud_init.h"
#include "controller/store/record_protos.h"

namespace dm {
namespace {

dm::v1::ServerState ToProto(ProviderState state) {
  switch (state) {
    case ProviderState::kCreating:
      return dm::v1::SERVER_CREATING;
    case ProviderState::kRunning:
      return dm::v1::SERVER_RUNNING;
    case ProviderState::kStopped:
      return dm::v1::SERVER_STOPPED;
    case ProviderState::kError:
      return dm::v1::SERVER_ERROR;
  }
  return dm::v1::SERVER_ERROR;
}

// What the provider reports of a server, as dmctl shows it.
void SetFromProvider(const ServerInfo& info, dm::v1::Server* s) {
  s->set_state(ToProto(info.state));
  s->set_address(info.address);
  s->set_private_address(info.private_address);
  s->set_provider_id(info.id);
  s->set_image(info.image);
  s->set_size(info.size);
  s->set_region(info.region);
}

}  // namespace

ServerManager::ServerManager(ServerManagerOptions options, Store* store, TokenService* tokens,
                             AgentDirectory* directory)
    : options_(std::move(options)), store_(store), tokens_(tokens), directory_(directory) {
  if (options_.local.state_dir.empty()) options_.local.state_dir = options_.data_dir + "/local";
  if (options_.agent_binary.empty()) {
    std::error_code ec;
    options_.agent_binary =
        (std::filesystem::read_symlink("/proc/self/exe", ec).parent_path() / "dm-agent").string();
  }
  operator_key_path_ = options_.data_dir + "/ssh/operator_ed25519";
}

absl::Status ServerManager::Init() {
  DM_RETURN_IF_ERROR(MakeDirectories(options_.data_dir + "/ssh", 0700));
  DM_ASSIGN_OR_RETURN(operator_public_key_,
                      EnsureSshKeyPair(operator_key_path_, "dm-controller-operator"));
  if (!options_.local_provider) return absl::OkStatus();
  // Servers of a deleted controller folder can never be managed again: clean them up.
  int swept = LocalProvider::SweepLeftovers(
      [](const LocalLeftover& l) { return !PathExists(l.state_dir); });
  if (swept > 0) LogWarn("cleaned up {} local servers left behind by a deleted controller", swept);
  local_ = std::make_unique<LocalProvider>(options_.local);
  DM_RETURN_IF_ERROR(local_->EnsureNetwork());
  RemoveUnrecordedLocalServers();
  return absl::OkStatus();
}

void ServerManager::RemoveUnrecordedLocalServers() {
  // A local server is recorded once it has booted. One that is not was being booted when the
  // controller stopped (it died, or was killed): half made, or made and never known. Nothing
  // else boots on this controller's local network, and nothing manages what is not recorded,
  // so it goes, and the next up boots its place again, once.
  for (const std::string& name : local_->ServerNames()) {
    if (!absl::IsNotFound(store_->GetServer(name).status())) continue;
    absl::Status removed = local_->Delete(name);
    if (removed.ok()) {
      LogWarn("removed local server {}: its boot was cut short by the controller's last stop",
              name);
    } else {
      LogWarn("could not remove local server {}, left by a boot cut short: {}", name,
              std::string(removed.message()));
    }
  }
}

std::string ServerManager::local_network_address() const {
  return local_ ? local_->bridge_address() : "";
}

uint16_t ServerManager::AgentPort(uint16_t fallback) const {
  int port = 0;
  std::string text(
      absl::StripAsciiWhitespace(ReadFile(options_.local.state_dir + "/agent-port").value_or("")));
  return absl::SimpleAtoi(text, &port) && port > 0 && port < 65536 ? static_cast<uint16_t>(port)
                                                                   : fallback;
}

void ServerManager::set_agent_endpoint(const std::string& host, uint16_t port) {
  agent_endpoint_ = absl::StrCat(host, ":", port);
  absl::Status saved =
      WriteFileAtomic(options_.local.state_dir + "/agent-port", absl::StrCat(port, "\n"), 0600);
  if (!saved.ok()) LogWarn("could not remember the agents' port: {}", std::string(saved.message()));
}

absl::StatusOr<CloudProvider*> ServerManager::Provider(const std::string& name) {
  if (name.empty() || name == "local") {
    if (!local_) {
      return absl::FailedPreconditionError(
          "the local provider is off (it needs root; see dm-controller --local-provider)");
    }
    return local_.get();
  }
  if (cloud_ != nullptr) {
    if (CloudProvider* provider = cloud_->Find(name)) return provider;
  }
  std::vector<std::string> names = {"local"};
  if (cloud_ != nullptr) {
    for (const std::string& n : cloud_->Names()) names.push_back(n);
  }
  return absl::InvalidArgumentError(absl::StrCat("unknown provider '", name,
                                                 "' (available: ", absl::StrJoin(names, ", "),
                                                 "; cloud providers come from --providers)"));
}

std::string ServerManager::HostKeyPath(const std::string& name) const {
  return absl::StrCat(options_.data_dir, "/ssh/hosts/", name);
}

dm::v1::Server ServerManager::Describe(const ServerRecord& record,
                                       const absl::StatusOr<ServerInfo>& info) {
  dm::v1::Server s;
  s.set_name(record.name);
  s.set_provider(record.provider);
  s.set_role(record.role);
  s.set_fleet(record.fleet);
  s.set_created_unix_ms(absl::ToUnixMillis(record.created));
  s.set_bootstrap(ToProto(record.bootstrap));
  s.set_bootstrap_message(record.bootstrap_message);
  s.set_agent_package(record.agent_package);
  s.set_recorded(true);
  if (info.ok()) {
    SetFromProvider(*info, &s);
    s.set_ssh_host_key_fingerprint(info->ssh_host_key_fingerprint);
    if (s.ssh_host_key_fingerprint().empty() && !record.ssh_host_key.empty())
      s.set_ssh_host_key_fingerprint(HostKeyFingerprint(record.ssh_host_key).value_or(""));
  } else {
    s.set_state(absl::IsNotFound(info.status()) ? dm::v1::SERVER_MISSING : dm::v1::SERVER_ERROR);
  }
  absl::StatusOr<AgentView> agent = directory_->Get(record.name);
  if (agent.ok()) s.set_agent(agent->connected ? dm::v1::CONNECTED : dm::v1::DISCONNECTED);
  return s;
}

dm::v1::Server ServerManager::Describe(const ServerRecord& record) {
  absl::StatusOr<CloudProvider*> provider = Provider(record.provider);
  return Describe(record, provider.ok() ? (*provider)->Get(record.name)
                                        : absl::StatusOr<ServerInfo>(provider.status()));
}

absl::StatusOr<dm::v1::Server> ServerManager::Boot(const ServerBoot& boot,
                                                   const ProgressFn& progress) {
  DM_ASSIGN_OR_RETURN(CloudProvider * provider, Provider(boot.provider));
  const bool local = provider == local_.get();
  if (!boot.role.empty() && !IsValidRoleName(boot.role)) {
    return absl::InvalidArgumentError(absl::StrCat("'", boot.role, "' is not a role name"));
  }
  ServerRecord record;
  absl::StatusOr<ServerRecord> existing = store_->GetServer(boot.name);
  // A cloud boot that never finished is resumed (the provider adopts what it made); anything
  // else of that name is a different server.
  const bool resume = existing.ok() && !local && existing->provider == provider->name() &&
                      existing->bootstrap == BootstrapState::kNever &&
                      PathExists(HostKeyPath(boot.name));
  if (existing.ok() && !resume)
    return absl::AlreadyExistsError(absl::StrCat("server '", boot.name, "' exists"));
  if (resume) {
    record = *existing;
  } else {
    record.name = boot.name;
    record.provider = provider->name();
    record.role = boot.role;
    record.created = absl::Now();
    record.fleet = boot.fleet;
  }
  ServerSpec spec;
  spec.name = boot.name;
  spec.ssh_public_key = operator_public_key_;
  spec.image = boot.image;
  spec.size = boot.size;
  spec.region = boot.region;
  spec.open_tcp_ports = boot.open_tcp_ports;
  // The controller's checks reach app nodes on their own port: its address is let in.
  if (!local && !advertise_.empty()) {
    absl::StatusOr<HostPort> at = HostPort::Parse(advertise_);
    if (at.ok() && at->HostIsIpAddress()) spec.admit_from = {at->host};
  }
  if (!record.fleet.empty()) spec.tags[kFleetTag] = record.fleet;
  if (!record.role.empty()) spec.tags[kRoleTag] = record.role;
  if (!local) {
    // The host key is made here and kept until bootstrap, so that a resumed boot hands the same
    // user data and bootstrap knows which key to expect.
    HostKeyPair host_key;
    if (resume) {
      DM_ASSIGN_OR_RETURN(std::string kept, ReadFile(HostKeyPath(boot.name)));
      DM_ASSIGN_OR_RETURN(host_key, HostKeyFromPrivate(kept));
    } else {
      DM_ASSIGN_OR_RETURN(host_key, GenerateHostKey());
      DM_RETURN_IF_ERROR(MakeDirectories(options_.data_dir + "/ssh/hosts", 0700));
      DM_RETURN_IF_ERROR(WriteFileAtomic(HostKeyPath(boot.name), host_key.private_openssh, 0600));
    }
    record.ssh_host_key = host_key.public_line;
    spec.user_data = CloudInitUserData(host_key);
    DM_RETURN_IF_ERROR(store_->SaveServer(record));
  }
  absl::StatusOr<ServerInfo> info = provider->Create(spec, progress);
  // Refused outright (a bad image, a name someone else holds, a refused credential): nothing was
  // made, so nothing is kept. A lost answer or a timeout may have made the server: kept, below.
  const absl::StatusCode code = info.status().code();
  if (!info.ok() && !local && !resume &&
      (code == absl::StatusCode::kInvalidArgument || code == absl::StatusCode::kAlreadyExists ||
       code == absl::StatusCode::kFailedPrecondition ||
       code == absl::StatusCode::kPermissionDenied || code == absl::StatusCode::kNotFound)) {
    (void)store_->DeleteServer(boot.name);
    ::unlink(HostKeyPath(boot.name).c_str());
    return info.status();
  }
  if (!info.ok()) {
    if (!local) {
      return absl::Status(info.status().code(),
                          absl::StrCat(info.status().message(), " (the server is recorded: boot ",
                                       boot.name, " again to resume, or destroy it)"));
    }
    return info.status();
  }
  Failpoint("boot.before_record");  // made at the provider, not yet known as booted here
  if (local) {
    if (absl::Status saved = store_->SaveServer(record); !saved.ok()) {
      // Not recorded means not managed: do not leave it running.
      absl::Status ignored = provider->Delete(boot.name);
      (void)ignored;
      return saved;
    }
  }
  return Describe(record, info);
}

absl::StatusOr<std::vector<dm::v1::Server>> ServerManager::List() {
  DM_ASSIGN_OR_RETURN(std::vector<ServerRecord> records, store_->ListServers());
  std::vector<dm::v1::Server> out;
  for (const ServerRecord& r : records) out.push_back(Describe(r));
  return out;
}

absl::StatusOr<std::vector<dm::v1::Server>> ServerManager::ListAtProvider(
    const std::string& provider_name) {
  DM_ASSIGN_OR_RETURN(CloudProvider * provider, Provider(provider_name));
  DM_ASSIGN_OR_RETURN(std::vector<ServerInfo> infos, provider->List());
  std::vector<dm::v1::Server> out;
  for (const ServerInfo& info : infos) {
    absl::StatusOr<ServerRecord> record = store_->GetServer(info.name);
    if (record.ok() && record->provider == provider->name()) {
      out.push_back(Describe(*record, info));
      continue;
    }
    dm::v1::Server s;  // left behind: only what the provider says
    s.set_name(info.name);
    s.set_provider(provider->name());
    SetFromProvider(info, &s);
    auto tag = [&](const char* key) {
      auto it = info.tags.find(key);
      return it == info.tags.end() ? std::string() : it->second;
    };
    s.set_fleet(tag(kFleetTag));
    s.set_role(tag(kRoleTag));
    s.set_created_unix_ms(absl::ToUnixMillis(info.created));
    s.set_recorded(false);
    out.push_back(std::move(s));
  }
  return out;
}

absl::StatusOr<dm::v1::Server> ServerManager::Get(const std::string& name) {
  DM_ASSIGN_OR_RETURN(ServerRecord record, store_->GetServer(name));
  return Describe(record);
}

absl::Status ServerManager::Destroy(const std::string& name, const std::string& provider_name) {
  absl::StatusOr<ServerRecord> found = store_->GetServer(name);
  if (absl::IsNotFound(found.status()) && !provider_name.empty()) {
    // Left behind at the provider (a crash before it was recorded): only the provider knows it.
    DM_ASSIGN_OR_RETURN(CloudProvider * provider, Provider(provider_name));
    return provider->Delete(name);
  }
  DM_ASSIGN_OR_RETURN(ServerRecord record, std::move(found));
  if (!provider_name.empty() && provider_name != record.provider) {
    return absl::InvalidArgumentError(absl::StrCat("server ", name, " is at provider ",
                                                   record.provider, ", not ", provider_name));
  }
  DM_ASSIGN_OR_RETURN(CloudProvider * provider, Provider(record.provider));
  absl::Status deleted = provider->Delete(name);
  if (!deleted.ok() && !absl::IsNotFound(deleted)) return deleted;
  ::unlink(HostKeyPath(name).c_str());
  // Its agent goes with it: the certificate is revoked, so a copy of the disk cannot come back.
  absl::StatusOr<AgentRecord> agent = directory_->Remove(name);
  if (agent.ok()) LogInfo("removed agent {} with its server", name);
  return store_->DeleteServer(name);
}

absl::StatusOr<const AgentPackage*> ServerManager::Package() {
  std::lock_guard<std::mutex> lock(package_mu_);
  if (!package_) {
    DM_RETURN_IF_ERROR(MakeDirectories(options_.data_dir + "/packages", 0700));
    DM_ASSIGN_OR_RETURN(AgentPackage built,
                        BuildAgentPackage(options_.agent_binary, options_.data_dir + "/packages"));
    package_ = std::move(built);
  }
  return &*package_;
}

absl::StatusOr<BootstrapReport> ServerManager::Bootstrap(const std::string& name,
                                                         const StepReport& report) {
  DM_ASSIGN_OR_RETURN(ServerRecord record, store_->GetServer(name));
  DM_ASSIGN_OR_RETURN(CloudProvider * provider, Provider(record.provider));
  DM_ASSIGN_OR_RETURN(ServerInfo info, provider->Get(name));
  if (info.state != ProviderState::kRunning) {
    return absl::FailedPreconditionError(
        absl::StrCat("server ", name, " is ", ProviderStateWord(info.state), ", not running"));
  }
  const bool local = provider == local_.get();
  const std::string endpoint = local ? agent_endpoint_ : advertise_;
  if (endpoint.empty() && local)
    return absl::FailedPreconditionError("the controller does not listen on the servers' network");
  if (endpoint.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "server ", name, " is at ", record.provider,
        ": start dm-controller with --advertise ADDRESS[:PORT], where that cloud's servers reach "
        "it (they are not on this machine's network)"));
  }
  // The key the provider reports, else the one the controller gave the server: never whatever
  // key answers.
  const std::string host_key = info.ssh_host_key.empty() ? record.ssh_host_key : info.ssh_host_key;
  if (host_key.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "server ", name,
        ": its host key is not known, and bootstrap does not trust a key on first use"));
  }
  DM_ASSIGN_OR_RETURN(const AgentPackage* package, Package());

  record.bootstrap = BootstrapState::kRunning;
  record.bootstrap_message.clear();
  DM_RETURN_IF_ERROR(store_->SaveServer(record));
  BootstrapEnvironment env;
  env.operator_key_path = operator_key_path_;
  env.operator_public_key = operator_public_key_;
  env.controller = endpoint;
  env.controller_ip = endpoint.substr(0, endpoint.rfind(':'));
  env.package = package;
  // The local provider answers once sshd does; a cloud server is still on its first boot.
  if (!local) env.wait_for_ssh = absl::Minutes(5);
  env.mint_token = [&]() -> absl::StatusOr<std::string> {
    if (directory_->Get(name).ok()) return std::string();  // enrolled already: no new token
    TokenOptions options;
    options.ttl = absl::Minutes(30);
    options.uses = 1;
    options.role = record.role;
    options.description = "bootstrap of server " + name;
    DM_ASSIGN_OR_RETURN(NewToken token, tokens_->Create(options));
    return token.token.ToString();
  };
  env.wait_connected = [&](absl::Duration timeout) {
    absl::Time deadline = absl::Now() + timeout;
    for (;;) {
      absl::StatusOr<AgentView> agent = directory_->Get(name);
      if (agent.ok() && agent->connected) return true;
      if (absl::Now() > deadline) return false;
      absl::SleepFor(absl::Milliseconds(100));
    }
  };
  absl::StatusOr<BootstrapReport> result =
      dm::Bootstrap({name, info.address, host_key}, env, report);
  record.bootstrap = result.ok() ? BootstrapState::kDone : BootstrapState::kFailed;
  record.bootstrap_message = result.ok() ? "" : std::string(result.status().message());
  if (result.ok()) {
    record.agent_package = package->version;
    ::unlink(HostKeyPath(name).c_str());  // the server has it; it is needed no more
  }
  absl::Status saved = store_->SaveServer(record);
  if (!saved.ok()) LogError("could not save server {}: {}", name, std::string(saved.message()));
  return result;
}

}  // namespace dm
