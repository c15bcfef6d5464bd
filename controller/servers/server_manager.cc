#include "controller/servers/server_manager.h"

#include <unistd.h>

#include <filesystem>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "bootstrap/ssh_session.h"
#include "common/files.h"
#include "common/log.h"
#include "common/status_macros.h"
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
  return local_->EnsureNetwork();
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
  return absl::InvalidArgumentError(
      absl::StrCat("unknown provider '", name, "' (available: local)"));
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
  if (info.ok()) {
    s.set_state(ToProto(info->state));
    s.set_address(info->address);
    s.set_ssh_host_key_fingerprint(info->ssh_host_key_fingerprint);
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

absl::StatusOr<dm::v1::Server> ServerManager::Boot(const std::string& name,
                                                   const std::string& provider_name,
                                                   const std::string& role,
                                                   const ProgressFn& progress,
                                                   const std::string& fleet) {
  DM_ASSIGN_OR_RETURN(CloudProvider * provider, Provider(provider_name));
  if (store_->GetServer(name).ok())
    return absl::AlreadyExistsError(absl::StrCat("server '", name, "' exists"));
  if (!role.empty() && !IsValidRoleName(role)) {
    return absl::InvalidArgumentError(absl::StrCat("'", role, "' is not a role name"));
  }
  ServerRecord record;
  record.name = name;
  record.provider = provider->name();
  record.role = role;
  record.created = absl::Now();
  record.fleet = fleet;
  DM_ASSIGN_OR_RETURN(ServerInfo info, provider->Create({name, operator_public_key_}, progress));
  if (absl::Status saved = store_->SaveServer(record); !saved.ok()) {
    // Not recorded means not managed: do not leave it running.
    absl::Status ignored = provider->Delete(name);
    (void)ignored;
    return saved;
  }
  return Describe(record, info);
}

absl::StatusOr<std::vector<dm::v1::Server>> ServerManager::List() {
  DM_ASSIGN_OR_RETURN(std::vector<ServerRecord> records, store_->ListServers());
  std::vector<dm::v1::Server> out;
  for (const ServerRecord& r : records) out.push_back(Describe(r));
  return out;
}

absl::StatusOr<dm::v1::Server> ServerManager::Get(const std::string& name) {
  DM_ASSIGN_OR_RETURN(ServerRecord record, store_->GetServer(name));
  return Describe(record);
}

absl::Status ServerManager::Destroy(const std::string& name) {
  DM_ASSIGN_OR_RETURN(ServerRecord record, store_->GetServer(name));
  DM_ASSIGN_OR_RETURN(CloudProvider * provider, Provider(record.provider));
  absl::Status deleted = provider->Delete(name);
  if (!deleted.ok() && !absl::IsNotFound(deleted)) return deleted;
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
  if (agent_endpoint_.empty())
    return absl::FailedPreconditionError("the controller does not listen on the servers' network");
  DM_ASSIGN_OR_RETURN(const AgentPackage* package, Package());

  record.bootstrap = BootstrapState::kRunning;
  record.bootstrap_message.clear();
  DM_RETURN_IF_ERROR(store_->SaveServer(record));
  BootstrapEnvironment env;
  env.operator_key_path = operator_key_path_;
  env.operator_public_key = operator_public_key_;
  env.controller = agent_endpoint_;
  env.controller_ip = agent_endpoint_.substr(0, agent_endpoint_.rfind(':'));
  env.package = package;
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
      dm::Bootstrap({name, info.address, info.ssh_host_key}, env, report);
  record.bootstrap = result.ok() ? BootstrapState::kDone : BootstrapState::kFailed;
  record.bootstrap_message = result.ok() ? "" : std::string(result.status().message());
  if (result.ok()) record.agent_package = package->version;
  absl::Status saved = store_->SaveServer(record);
  if (!saved.ok()) LogError("could not save server {}: {}", name, std::string(saved.message()));
  return result;
}

}  // namespace dm
