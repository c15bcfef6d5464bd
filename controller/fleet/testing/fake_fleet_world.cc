#include "controller/fleet/testing/fake_fleet_world.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace dm {
namespace {

constexpr int kResourcesPerRun = 12;
constexpr int kChangedWhenAttributesDiffer = 3;

// The shipped roles that run the app (deploy/roles: `provides: [app]`). A load balancer builds
// the app's release too, for its static files, but runs no app.
bool RunsApp(const std::string& role) {
  return role == "appnode" || role == "appbalancer" || role == "dbappbalancer";
}

const nlohmann::json* At(const nlohmann::json& json, std::initializer_list<const char*> path) {
  const nlohmann::json* at = &json;
  for (const char* key : path) {
    if (!at->is_object() || !at->contains(key)) return nullptr;
    at = &(*at)[key];
  }
  return at;
}

std::string TextAt(const nlohmann::json& json, std::initializer_list<const char*> path) {
  const nlohmann::json* at = At(json, path);
  return at != nullptr && at->is_string() ? at->get<std::string>() : "";
}

HttpResponse Response(long status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

}  // namespace

// --- FakeDns ---

absl::Status FakeDns::EnsureZone(const std::string& zone) {
  std::lock_guard<std::mutex> lock(mu_);
  zones_[zone];
  return absl::OkStatus();
}

absl::StatusOr<std::vector<DnsRecord>> FakeDns::ListRecords(const std::string& zone) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = zones_.find(zone);
  if (it == zones_.end()) return absl::NotFoundError(absl::StrCat("no zone ", zone));
  return it->second;
}

absl::Status FakeDns::SetRecord(const std::string& zone, const DnsRecord& record) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = zones_.find(zone);
  if (it == zones_.end()) return absl::NotFoundError(absl::StrCat("no zone ", zone));
  std::vector<DnsRecord>& records = it->second;
  records.erase(std::remove_if(records.begin(), records.end(),
                               [&](const DnsRecord& r) {
                                 return r.name == record.name && r.type == record.type;
                               }),
                records.end());
  records.push_back(record);
  ++writes_;
  return absl::OkStatus();
}

absl::Status FakeDns::DeleteRecord(const std::string& zone, const std::string& name,
                                   const std::string& type) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = zones_.find(zone);
  if (it == zones_.end()) return absl::OkStatus();
  std::vector<DnsRecord>& records = it->second;
  records.erase(
      std::remove_if(records.begin(), records.end(),
                     [&](const DnsRecord& r) { return r.name == name && r.type == type; }),
      records.end());
  return absl::OkStatus();
}

absl::Status FakeDns::DeleteZone(const std::string& zone) {
  std::lock_guard<std::mutex> lock(mu_);
  zones_.erase(zone);
  return absl::OkStatus();
}

std::vector<std::string> FakeDns::Addresses(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [zone, records] : zones_) {
    for (const DnsRecord& r : records) {
      if (r.name == name && r.type == "A") return r.values;
    }
  }
  return {};
}

int FakeDns::writes() {
  std::lock_guard<std::mutex> lock(mu_);
  return writes_;
}

// --- FakeFleetWorld: set-up ---

FakeFleetWorld::FakeFleetWorld(Clock* clock) : clock_(clock) {
  revisions_["HEAD"] = std::string(40, 'a');
}

void FakeFleetWorld::SetRevision(const std::string& revision, const std::string& commit) {
  std::lock_guard<std::mutex> lock(mu_);
  revisions_[revision] = commit;
}

void FakeFleetWorld::SetAppUrlBase(const std::string& base) {
  std::lock_guard<std::mutex> lock(mu_);
  app_url_base_ = base;
}

void FakeFleetWorld::SetAgentPackage(const std::string& version) {
  std::lock_guard<std::mutex> lock(mu_);
  agent_package_ = version;
}

void FakeFleetWorld::DisableDns() {
  std::lock_guard<std::mutex> lock(mu_);
  dns_on_ = false;
}

void FakeFleetWorld::FailNextBoot(const std::string& host, absl::Status why) {
  std::lock_guard<std::mutex> lock(mu_);
  failing_boots_[host] = std::move(why);
}

void FakeFleetWorld::FailBootstrap(const std::string& host, absl::Status why) {
  std::lock_guard<std::mutex> lock(mu_);
  if (why.ok()) {
    failing_bootstraps_.erase(host);
  } else {
    failing_bootstraps_[host] = std::move(why);
  }
}

void FakeFleetWorld::FailConvergeAt(const std::string& host, const std::string& commit) {
  std::lock_guard<std::mutex> lock(mu_);
  failing_converges_.insert({host, commit});
}

void FakeFleetWorld::BreakApp(const std::string& commit) {
  std::lock_guard<std::mutex> lock(mu_);
  broken_commits_.insert(commit);
}

void FakeFleetWorld::SickenApp(const std::string& commit, absl::Duration after) {
  std::lock_guard<std::mutex> lock(mu_);
  sickening_commits_[commit] = after;
}

void FakeFleetWorld::LoseRowsOnNextRestore(int64_t rows) {
  std::lock_guard<std::mutex> lock(mu_);
  rows_lost_on_restore_ = rows;
}

void FakeFleetWorld::SetAgentConnected(const std::string& host, bool connected) {
  std::lock_guard<std::mutex> lock(mu_);
  if (Server* s = Find(host)) s->connected = connected && s->agent;
}

void FakeFleetWorld::SetRows(const std::string& host, const RowCounts& rows) {
  std::lock_guard<std::mutex> lock(mu_);
  if (Server* s = Find(host)) s->rows = rows;
}

// --- FakeFleetWorld: observations ---

bool FakeFleetWorld::Exists(const std::string& host) {
  std::lock_guard<std::mutex> lock(mu_);
  return Find(host) != nullptr;
}

std::vector<std::string> FakeFleetWorld::ServerNames() {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> names;
  for (const auto& [name, server] : servers_) names.push_back(name);
  return names;
}

int FakeFleetWorld::Boots(const std::string& host) {
  std::lock_guard<std::mutex> lock(mu_);
  return boots_[host];
}

int FakeFleetWorld::Bootstraps(const std::string& host) {
  std::lock_guard<std::mutex> lock(mu_);
  return bootstraps_[host];
}

nlohmann::json FakeFleetWorld::AttributesOf(const std::string& host) {
  std::lock_guard<std::mutex> lock(mu_);
  Server* s = Find(host);
  return s == nullptr ? nlohmann::json() : s->attributes;
}

std::string FakeFleetWorld::CommitOn(const std::string& host) {
  return TextAt(AttributesOf(host), {"app", "revision"});
}

std::vector<std::string> FakeFleetWorld::UpstreamsOf(const std::string& host) {
  const nlohmann::json attributes = AttributesOf(host);
  const nlohmann::json* upstreams = At(attributes, {"nginx", "upstreams"});
  std::vector<std::string> out;
  if (upstreams != nullptr && upstreams->is_array()) {
    for (const auto& u : *upstreams) out.push_back(u.get<std::string>());
  }
  return out;
}

bool FakeFleetWorld::MaintenancePageOn(const std::string& host) {
  const nlohmann::json attributes = AttributesOf(host);
  const nlohmann::json* on = At(attributes, {"nginx", "maintenance"});
  return on != nullptr && on->is_boolean() && on->get<bool>();
}

RowCounts FakeFleetWorld::RowsOn(const std::string& host) {
  std::lock_guard<std::mutex> lock(mu_);
  Server* s = Find(host);
  return s == nullptr ? RowCounts{} : s->rows;
}

std::string FakeFleetWorld::AddressOf(const std::string& host) {
  std::lock_guard<std::mutex> lock(mu_);
  Server* s = Find(host);
  return s == nullptr ? "" : s->view.address();
}

int FakeFleetWorld::Converges(const std::string& host) {
  std::lock_guard<std::mutex> lock(mu_);
  Server* s = Find(host);
  return s == nullptr ? 0 : s->converges;
}

std::vector<nlohmann::json> FakeFleetWorld::ConvergeHistory(const std::string& host) {
  std::lock_guard<std::mutex> lock(mu_);
  Server* s = Find(host);
  return s == nullptr ? std::vector<nlohmann::json>{} : s->history;
}

std::string FakeFleetWorld::PinnedCommit(const std::string& fleet) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = pinned_.find(fleet);
  return it == pinned_.end() ? "" : it->second;
}

// --- FakeFleetWorld: servers and agents ---

FakeFleetWorld::Server* FakeFleetWorld::Find(const std::string& name) {
  auto it = servers_.find(name);
  return it == servers_.end() ? nullptr : &it->second;
}

FakeFleetWorld::Server* FakeFleetWorld::FindByAddress(const std::string& address) {
  for (auto& [name, server] : servers_) {
    if (server.view.address() == address || server.view.private_address() == address)
      return &server;
  }
  return nullptr;
}

absl::StatusOr<std::vector<dm::v1::Server>> FakeFleetWorld::ListServers() {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<dm::v1::Server> out;
  for (const auto& [name, server] : servers_) {
    dm::v1::Server view = server.view;
    view.set_bootstrap(server.bootstrapped ? dm::v1::BOOTSTRAP_DONE : dm::v1::BOOTSTRAP_NEVER);
    view.set_agent_package(server.agent_package);
    if (server.agent) view.set_agent(server.connected ? dm::v1::CONNECTED : dm::v1::DISCONNECTED);
    out.push_back(std::move(view));
  }
  return out;
}

absl::StatusOr<dm::v1::Server> FakeFleetWorld::BootServer(const BootRequest& request,
                                                          const ProgressFn& progress) {
  if (progress) progress("booting");
  std::lock_guard<std::mutex> lock(mu_);
  last_boots_[request.name] = request;
  const bool cloud = clouds_.count(request.provider) > 0;
  if (request.provider != "local" && !cloud)
    return absl::InvalidArgumentError(absl::StrCat("unknown provider '", request.provider, "'"));
  if (Server* existing = Find(request.name)) {
    // As the ServerManager: a cloud boot cut short is resumed, the provider adopting its server.
    const bool resume =
        cloud && existing->view.state() == dm::v1::SERVER_CREATING && !existing->bootstrapped;
    if (!resume)
      return absl::AlreadyExistsError(absl::StrCat("server '", request.name, "' exists"));
    existing->view.set_state(dm::v1::SERVER_RUNNING);
    return existing->view;
  }
  if (auto failing = failing_boots_.find(request.name); failing != failing_boots_.end()) {
    absl::Status why = failing->second;
    failing_boots_.erase(failing);
    return why;
  }
  Server& server = servers_[request.name];
  server.view.set_name(request.name);
  server.view.set_provider(request.provider);
  server.view.set_role(request.role);
  server.view.set_fleet(request.fleet);
  server.view.set_state(dm::v1::SERVER_RUNNING);
  const int n = next_address_++;
  server.view.set_address(absl::StrCat(cloud ? "203.0.113." : "10.0.0.", n));
  server.view.set_private_address(cloud ? absl::StrCat("192.168.0.", n) : server.view.address());
  ++boots_[request.name];
  if (cut_short_.erase(request.name) > 0) {
    server.view.set_state(dm::v1::SERVER_CREATING);
    return absl::UnavailableError("the controller stopped while the cloud made the server");
  }
  return server.view;
}

absl::Status FakeFleetWorld::CheckProvider(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  if (name == "local" || clouds_.count(name)) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat("unknown provider '", name, "'"));
}

void FakeFleetWorld::AddCloud(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  clouds_.insert(name);
}

void FakeFleetWorld::CutNextBootShort(const std::string& host) {
  std::lock_guard<std::mutex> lock(mu_);
  cut_short_.insert(host);
}

std::string FakeFleetWorld::LastDeployDir() {
  std::lock_guard<std::mutex> lock(mu_);
  return last_deploy_dir_;
}

BootRequest FakeFleetWorld::LastBoot(const std::string& host) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = last_boots_.find(host);
  return it == last_boots_.end() ? BootRequest{} : it->second;
}

absl::StatusOr<BootstrapReport> FakeFleetWorld::Bootstrap(const std::string& name,
                                                          const StepReport& report) {
  std::unique_lock<std::mutex> lock(mu_);
  Server* server = Find(name);
  if (server == nullptr) return absl::NotFoundError(absl::StrCat("no server ", name));
  if (auto failing = failing_bootstraps_.find(name); failing != failing_bootstraps_.end()) {
    absl::Status why = failing->second;
    lock.unlock();
    if (report) report("connect", StepOutcome::kFailed, std::string(why.message()));
    return why;
  }
  ++bootstraps_[name];
  BootstrapReport result;
  if (!server->bootstrapped) {
    result.changed_steps = 6;  // deploy user, sshd, firewall, package, unit, start
  } else if (server->agent_package != agent_package_ || !server->connected) {
    result.changed_steps = 1;  // the agent installed again or restarted
  }
  server->bootstrapped = true;
  server->agent = true;
  server->connected = true;
  server->agent_package = agent_package_;
  lock.unlock();
  if (report) {
    report("agent", result.changed_steps > 0 ? StepOutcome::kChanged : StepOutcome::kOk, "");
  }
  return result;
}

absl::Status FakeFleetWorld::DestroyServer(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  if (servers_.erase(name) == 0) return absl::NotFoundError(absl::StrCat("no server ", name));
  return absl::OkStatus();
}

absl::StatusOr<std::string> FakeFleetWorld::AgentPackageVersion() {
  std::lock_guard<std::mutex> lock(mu_);
  return agent_package_;
}

absl::StatusOr<bool> FakeFleetWorld::AgentConnected(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  Server* server = Find(name);
  if (server == nullptr || !server->agent) {
    return absl::NotFoundError(absl::StrCat("no agent named ", name));
  }
  return server->connected;
}

std::map<std::string, uint64_t> FakeFleetWorld::HostMemory() {
  std::lock_guard<std::mutex> lock(mu_);
  std::map<std::string, uint64_t> memory;
  for (const auto& [name, server] : servers_) {
    if (server.agent) memory[name] = uint64_t{4} << 30;
  }
  return memory;
}

// --- FakeFleetWorld: converges ---

ConvergeOutcome FakeFleetWorld::ConvergeOne(const ConvergeTarget& target, bool dry_run) {
  ConvergeOutcome outcome;
  outcome.agent = target.agent;
  Server* server = Find(target.agent);
  if (server == nullptr || !server->agent) {
    outcome.refused = absl::StrCat("no agent named ", target.agent);
    return outcome;
  }
  if (!server->connected) {
    outcome.refused = absl::StrCat("agent ", target.agent, " is not connected");
    return outcome;
  }
  nlohmann::json attributes = nlohmann::json::parse(target.attributes_json, nullptr, false);
  RunRecord& run = outcome.run;
  run.id = absl::StrCat("run-", next_run_++);
  run.agent_name = target.agent;
  run.role = target.role;
  run.dry_run = dry_run;
  run.resources = kResourcesPerRun;
  const bool differs = attributes != server->attributes;
  const std::string commit = TextAt(attributes, {"app", "revision"});
  if (!dry_run && !commit.empty() &&
      (failing_converges_.count({target.agent, commit}) ||
       failing_converges_.count({"", commit}))) {
    run.status = RunStatus::kFailed;
    run.failed = 1;
    run.message = "execute[migrate the app's database]: exited with 1";
    return outcome;
  }
  run.status = RunStatus::kConverged;
  run.changed = differs ? kChangedWhenAttributesDiffer : 0;
  if (!dry_run) {
    if (commit != TextAt(server->attributes, {"app", "revision"}))
      server->app_since = clock_->Now();
    server->history.push_back(attributes);
    server->attributes = std::move(attributes);
    ++server->converges;
  }
  return outcome;
}

HostChecks FakeFleetWorld::ChecksOf(const std::string& host) {
  std::lock_guard<std::mutex> lock(mu_);
  HostChecks checks;
  Server* server = Find(host);
  if (server == nullptr || !server->agent) return checks;
  if (!server->connected) {
    checks.health = dm::v1::HOST_LOST;
    return checks;
  }
  // One check per host, on the usual beat: the app's when it runs one, else its role's service.
  dm::v1::CheckStatus* check = checks.report.add_checks();
  check->set_critical(true);
  check->set_interval_ms(5000);
  check->set_timeout_ms(3000);
  check->set_fall(2);
  check->set_rise(2);
  const std::string commit =
      RunsApp(server->view.role()) ? TextAt(server->attributes, {"app", "revision"}) : "";
  bool failing = false;
  if (commit.empty()) {
    check->set_name("service[" + server->view.role() + "]");
    check->set_kind(dm::v1::CHECK_SERVICE);
  } else {
    check->set_name("http[app]");
    check->set_kind(dm::v1::CHECK_HTTP);
    check->set_service(TextAt(server->attributes, {"app", "name"}));
    auto sick = sickening_commits_.find(commit);
    failing =
        broken_commits_.count(commit) > 0 ||
        (sick != sickening_commits_.end() && clock_->Now() - server->app_since >= sick->second);
  }
  check->set_state(failing ? dm::v1::CHECK_FAILING : dm::v1::CHECK_PASSING);
  check->set_output(failing ? "GET /health: status 500" : "200");
  checks.health = failing ? dm::v1::HOST_UNHEALTHY : dm::v1::HOST_HEALTHY;
  return checks;
}

absl::StatusOr<std::vector<ConvergeOutcome>> FakeFleetWorld::Converge(
    const std::vector<ConvergeTarget>& targets, const std::string& deploy_dir, bool dry_run,
    const ConvergeEventFn& on_event) {
  std::vector<ConvergeOutcome> outcomes;
  {
    std::lock_guard<std::mutex> lock(mu_);
    last_deploy_dir_ = deploy_dir;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const ConvergeTarget& target : targets) outcomes.push_back(ConvergeOne(target, dry_run));
  }
  if (on_event) {
    for (const ConvergeOutcome& o : outcomes) {
      dm::v1::ConvergeEvent event;
      event.set_agent(o.agent);
      event.mutable_finished()->set_id(o.run.id);
      on_event(event);
    }
  }
  return outcomes;
}

// --- FakeFleetWorld: databases ---

absl::StatusOr<RowCounts> FakeFleetWorld::CountRows(const DatabaseRef& database) {
  std::lock_guard<std::mutex> lock(mu_);
  Server* server = Find(database.host);
  if (server == nullptr || !server->connected) {
    return absl::UnavailableError(absl::StrCat(database.host, " is not reachable"));
  }
  if (At(server->attributes, {"postgresql"}) == nullptr) {
    return absl::AbortedError(absl::StrCat(database.host, ": psql exited with 2: no PostgreSQL"));
  }
  return server->rows;
}

absl::StatusOr<std::string> FakeFleetWorld::DumpDatabase(const DatabaseRef& database) {
  absl::StatusOr<RowCounts> rows = CountRows(database);
  if (!rows.ok()) return rows.status();
  nlohmann::json dump = nlohmann::json::object();
  for (const auto& [table, n] : *rows) dump[table] = n;
  return "PGDMP" + dump.dump();
}

absl::Status FakeFleetWorld::RestoreDatabase(const DatabaseRef& database, std::string dump) {
  if (absl::Status reachable = CountRows(database).status(); !reachable.ok()) return reachable;
  absl::string_view archive = dump;
  if (!absl::ConsumePrefix(&archive, "PGDMP")) {
    return absl::AbortedError("pg_restore exited with 1: input file is not a valid archive");
  }
  nlohmann::json tables = nlohmann::json::parse(archive.begin(), archive.end(), nullptr, false);
  if (!tables.is_object()) return absl::AbortedError("pg_restore exited with 1: damaged archive");
  std::lock_guard<std::mutex> lock(mu_);
  RowCounts rows;
  for (const auto& [table, n] : tables.items()) rows[table] = n.get<int64_t>();
  if (rows_lost_on_restore_ > 0 && !rows.empty()) {
    rows.begin()->second -= rows_lost_on_restore_;
    rows_lost_on_restore_ = 0;
  }
  Find(database.host)->rows = std::move(rows);
  return absl::OkStatus();
}

// --- FakeFleetWorld: the app's source and DNS ---

absl::StatusOr<std::string> FakeFleetWorld::SyncApp(const std::string& fleet,
                                                    const std::string& repository,
                                                    const std::string& revision) {
  (void)fleet;
  std::lock_guard<std::mutex> lock(mu_);
  auto it = revisions_.find(revision);
  if (it == revisions_.end()) {
    return absl::AbortedError(
        absl::StrCat("git rev-parse: ", repository, " has no revision '", revision, "'"));
  }
  return it->second;
}

absl::Status FakeFleetWorld::PinApp(const std::string& fleet, const std::string& commit) {
  std::lock_guard<std::mutex> lock(mu_);
  pinned_[fleet] = commit;
  return absl::OkStatus();
}

std::string FakeFleetWorld::AppUrl(const std::string& fleet, const std::string& /*provider*/) {
  std::lock_guard<std::mutex> lock(mu_);
  return app_url_base_.empty() ? "" : app_url_base_ + fleet + ".git";
}

void FakeFleetWorld::RemoveApp(const std::string& fleet) {
  std::lock_guard<std::mutex> lock(mu_);
  pinned_.erase(fleet);
}

DnsProvider* FakeFleetWorld::Dns(const std::string& provider) {
  std::lock_guard<std::mutex> lock(mu_);
  if (provider != "local") {
    auto named = named_dns_.find(provider);
    return named == named_dns_.end() ? nullptr : named->second.get();
  }
  return dns_on_ ? &dns_ : nullptr;
}

FakeDns& FakeFleetWorld::named_dns(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  std::unique_ptr<FakeDns>& dns = named_dns_[name];
  if (!dns) dns = std::make_unique<FakeDns>();
  return *dns;
}

std::string FakeFleetWorld::DnsServer() {
  std::lock_guard<std::mutex> lock(mu_);
  return dns_on_ ? "127.0.0.1:5300" : "";
}

// --- FakeFleetWorld: HTTP, answered from what each host was converged to ---

HttpResponse FakeFleetWorld::AppAnswer(const Server& server, const std::string& path) {
  const std::string commit =
      RunsApp(server.view.role()) ? TextAt(server.attributes, {"app", "revision"}) : "";
  if (commit.empty()) return Response(502, "no app");
  if (path == "/version") return Response(200, commit + "\n");
  if (broken_commits_.count(commit)) return Response(500, "Internal Server Error");
  if (path == "/health") return Response(200, "ok\n");
  return Response(200, "<h1>Guestbook</h1>");
}

HttpResponse FakeFleetWorld::Answer(const Server& server, int port, const std::string& path) {
  if (port == 8000) return AppAnswer(server, path);
  if (At(server.attributes, {"nginx"}) == nullptr) return Response(0, "");
  if (path == "/lb-health") return Response(200, "ok\n");
  const nlohmann::json* maintenance = At(server.attributes, {"nginx", "maintenance"});
  if (maintenance != nullptr && maintenance->is_boolean() && maintenance->get<bool>()) {
    return Response(503, "<h1>Down for maintenance</h1>");
  }
  // The first upstream that answers, as nginx's proxy_next_upstream does.
  const nlohmann::json* upstreams = At(server.attributes, {"nginx", "upstreams"});
  HttpResponse last = Response(502, "Bad Gateway");
  if (upstreams == nullptr || !upstreams->is_array()) return last;
  for (const auto& upstream : *upstreams) {
    std::string address = upstream.get<std::string>();
    address = address.substr(0, address.find(':'));
    const Server* app = address == "127.0.0.1" ? &server : FindByAddress(address);
    if (app == nullptr || !app->connected) continue;
    last = AppAnswer(*app, path);
    if (last.status == 200) return last;
  }
  return last;
}

absl::StatusOr<HttpResponse> FakeFleetWorld::Fetch(const HttpRequest& request) {
  absl::string_view rest = request.url;
  if (!absl::ConsumePrefix(&rest, "http://")) {
    return absl::InvalidArgumentError(absl::StrCat("not an http URL: ", request.url));
  }
  size_t slash = rest.find('/');
  std::string authority(rest.substr(0, slash));
  std::string path = slash == absl::string_view::npos ? "/" : std::string(rest.substr(slash));
  std::vector<std::string> host_port = absl::StrSplit(authority, ':');
  int port = 80;
  if (host_port.size() == 2 && !absl::SimpleAtoi(host_port[1], &port)) {
    return absl::InvalidArgumentError(absl::StrCat("bad port in ", request.url));
  }
  std::lock_guard<std::mutex> lock(mu_);
  Server* server = FindByAddress(host_port[0]);
  if (server == nullptr) {
    return absl::UnavailableError(absl::StrCat("connect to ", authority, ": no route to host"));
  }
  HttpResponse response = Answer(*server, port, path);
  if (response.status == 0) {
    return absl::UnavailableError(absl::StrCat("connect to ", authority, ": connection refused"));
  }
  return response;
}

absl::StatusOr<TlsCredentials> FakeFleetWorld::HostCredentials(const std::string& name,
                                                               const std::string& address) {
  return TlsCredentials{absl::StrCat("cert of ", name, " at ", address),
                        absl::StrCat("key of ", name, " at ", address), "ca"};
}

}  // namespace dm
