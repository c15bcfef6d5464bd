// dmctl up: from a fleet file to a serving site (see fleet_reconciler.h for the order of steps).
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "common/random.h"
#include "common/status_macros.h"
#include "controller/fleet/fleet_events.h"
#include "controller/fleet/fleet_reconciler.h"

namespace dm {
namespace {

constexpr int kStages = 4;  // database, cache, app, load balancer
const char* const kStageNames[kStages] = {"database", "cache", "app", "load balancer"};
// How long a fresh app may take to answer through its load balancer (gunicorn starting).
constexpr absl::Duration kSiteWait = absl::Seconds(60);

}  // namespace

absl::Status FleetReconciler::Up(const dm::v1::FleetRequest& request,
                                 const FleetEventFn& on_event) {
  FleetEventFn emit = Serialized(on_event);
  DM_ASSIGN_OR_RETURN(Loaded fleet, Load(request));
  DM_ASSIGN_OR_RETURN(std::unique_ptr<Busy> busy, Claim(fleet.file.name));
  return Apply(fleet, emit, request.restore());
}

absl::Status FleetReconciler::Apply(Loaded& fleet, const FleetEventFn& emit,
                                    const std::string& restore) {
  const absl::Time start = absl::Now();

  // Secrets are generated once, and saved with the file before any server sees them.
  nlohmann::json secrets = nlohmann::json::parse(fleet.record.secrets_json, nullptr, false);
  if (!secrets.is_object()) secrets = nlohmann::json::object();
  for (const FleetSecret& secret : fleet.file.secrets) {
    if (!secrets.contains(secret.attribute))
      secrets[secret.attribute] = RandomToken(static_cast<size_t>(secret.generate));
  }
  fleet.record.secrets_json = secrets.dump();
  DM_ASSIGN_OR_RETURN(std::string commit, SyncApp(fleet, emit));
  if (commit != fleet.record.commit) {
    if (!fleet.record.commit.empty()) fleet.record.previous_commit = fleet.record.commit;
    fleet.record.commit = commit;
  }
  fleet.record.updated = absl::Now();
  DM_RETURN_IF_ERROR(s_.store->SaveFleet(fleet.record));
  if (!fleet.known) Audit("fleet.created", fleet.file.name, fleet.record.file_path);

  DM_ASSIGN_OR_RETURN(Inventory inventory, Provision(fleet, emit));
  DM_ASSIGN_OR_RETURN(FleetContext context, Context(fleet, fleet.record.commit));
  DM_RETURN_IF_ERROR(ConvergeInOrder(fleet, inventory, context, emit));
  // A fleet rebuilt from nothing gets its data back (under maintenance, all or nothing).
  if (!restore.empty()) DM_RETURN_IF_ERROR(RestoreBackup(fleet, inventory, restore, emit));
  DM_RETURN_IF_ERROR(PointDns(fleet.file, inventory.hosts, emit));
  DM_RETURN_IF_ERROR(CheckSite(fleet.file, inventory.hosts, emit));
  Audit("fleet.up", fleet.file.name,
        absl::StrCat(
            inventory.hosts.size(), " servers, app ", fleet.record.commit.substr(0, 12), ", in ",
            absl::FormatDuration(absl::Trunc(absl::Now() - start, absl::Milliseconds(100)))));
  return absl::OkStatus();
}

absl::StatusOr<FleetReconciler::Inventory> FleetReconciler::Provision(const Loaded& fleet,
                                                                      const FleetEventFn& emit) {
  DM_ASSIGN_OR_RETURN(Inventory inventory, Take(fleet.file));
  DM_RETURN_IF_ERROR(BootMissing(fleet, inventory, emit));
  DM_ASSIGN_OR_RETURN(inventory, Take(fleet.file));
  DM_RETURN_IF_ERROR(BootstrapPending(inventory, emit));
  return Take(fleet.file);  // agents connected now
}

absl::StatusOr<std::string> FleetReconciler::SyncApp(const Loaded& fleet,
                                                     const FleetEventFn& emit) {
  const FleetApp& app = fleet.file.app;
  if (app.repository.empty()) return std::string();
  if (s_.apps->Url(fleet.file.name).empty()) {
    return absl::FailedPreconditionError(
        "this controller cannot serve app repositories to servers (no local network)");
  }
  emit(FleetEventOf("", "app", "running", absl::StrCat("fetching ", app.repository)));
  DM_ASSIGN_OR_RETURN(std::string wanted,
                      s_.apps->Sync(fleet.file.name, app.repository, app.revision));
  // A known fleet keeps its deployed commit until its file asks for another revision (or dmctl
  // deploy moves it): up is not a deploy.
  std::string commit =
      fleet.record.commit.empty() || RevisionChanged(fleet) ? wanted : fleet.record.commit;
  DM_RETURN_IF_ERROR(s_.apps->Pin(fleet.file.name, commit));
  emit(FleetEventOf("", "app", commit == fleet.record.commit ? "ok" : "changed",
                    absl::StrCat("commit ", commit.substr(0, 12), " (", app.revision, ")")));
  return commit;
}

absl::Status FleetReconciler::BootMissing(const Loaded& fleet, Inventory& inventory,
                                          const FleetEventFn& emit) {
  std::vector<FleetHost*> missing;
  for (FleetHost& host : inventory.hosts) {
    if (!inventory.servers.count(host.name)) missing.push_back(&host);
  }
  return ForEachInParallel(missing.size(), [&](size_t i) -> absl::Status {
    FleetHost& host = *missing[i];
    emit(FleetEventOf(host.name, "boot", "running",
                      absl::StrCat("booting a ", fleet.file.provider, " server")));
    absl::StatusOr<dm::v1::Server> server = s_.servers->Boot(
        host.name, fleet.file.provider, host.role,
        [&](const std::string& progress) {
          emit(FleetEventOf(host.name, "boot", "running", progress));
        },
        fleet.file.name);
    if (!server.ok()) {
      emit(FleetEventOf(host.name, "boot", "failed", std::string(server.status().message())));
      return absl::Status(server.status().code(),
                          absl::StrCat(host.name, ": boot: ", server.status().message()));
    }
    emit(FleetEventOf(host.name, "boot", "changed", absl::StrCat("booted at ", server->address())));
    return absl::OkStatus();
  });
}

absl::Status FleetReconciler::BootstrapPending(Inventory& inventory, const FleetEventFn& emit) {
  std::vector<std::string> pending;
  std::map<std::string, std::string> upgrades;
  for (const FleetHost& host : inventory.hosts) {
    const dm::v1::Server& server = inventory.servers.at(host.name);
    // A bootstrapped server's agent may be reconnecting after a blip: give it a moment first.
    if (server.bootstrap() != "done" || !WaitForAgent(host.name, absl::Seconds(10))) {
      pending.push_back(host.name);
    } else if (std::string upgrade = AgentUpgrade(server); !upgrade.empty()) {
      // This controller installs a newer agent: bootstrap again installs and restarts it.
      pending.push_back(host.name);
      upgrades[host.name] = upgrade;
    }
  }
  return ForEachInParallel(pending.size(), [&](size_t i) -> absl::Status {
    const std::string& name = pending[i];
    auto upgrade = upgrades.find(name);
    emit(FleetEventOf(name, "bootstrap", "running",
                      upgrade == upgrades.end()
                          ? "logging in over SSH"
                          : absl::StrCat("upgrading its agent: ", upgrade->second)));
    absl::StatusOr<BootstrapReport> report = s_.servers->Bootstrap(
        name, [&](const std::string& step, const std::string& status, const std::string& detail) {
          if (status == "running") return;
          emit(FleetEventOf(
              name, "bootstrap", status == "failed" ? "failed" : "running",
              absl::StrCat(step, ": ", status, detail.empty() ? "" : " (" + detail + ")")));
        });
    if (!report.ok()) {
      emit(FleetEventOf(name, "bootstrap", "failed", std::string(report.status().message())));
      return absl::Status(report.status().code(),
                          absl::StrCat(name, ": bootstrap: ", report.status().message()));
    }
    emit(FleetEventOf(
        name, "bootstrap", report->changed_steps > 0 ? "changed" : "ok",
        absl::StrCat("hardened, agent connected (", report->changed_steps, " steps changed)")));
    return absl::OkStatus();
  });
}

absl::Status FleetReconciler::ConvergeInOrder(const Loaded& fleet, const Inventory& inventory,
                                              const FleetContext& context,
                                              const FleetEventFn& emit) {
  for (int stage = 0; stage < kStages; ++stage) {
    std::vector<std::string> hosts;
    for (const FleetHost& host : inventory.hosts) {
      if (host.stage() == stage) hosts.push_back(host.name);
    }
    if (hosts.empty()) continue;
    if (absl::Status s = ConvergeHosts(fleet, inventory, context, hosts, emit); !s.ok()) {
      return absl::Status(
          s.code(), absl::StrCat("converging the ", kStageNames[stage], " failed: ", s.message(),
                                 "; later stages were left as they were"));
    }
  }
  return absl::OkStatus();
}

absl::Status FleetReconciler::ConvergeHosts(const Loaded& fleet, const Inventory& inventory,
                                            const FleetContext& context,
                                            const std::vector<std::string>& hosts,
                                            const FleetEventFn& emit) {
  std::vector<ConvergeTarget> targets;
  for (const FleetHost& host : inventory.hosts) {
    if (std::find(hosts.begin(), hosts.end(), host.name) == hosts.end()) continue;
    targets.push_back(
        {host.name, host.role, HostAttributes(fleet.file, inventory.hosts, host, context).dump()});
  }
  DM_ASSIGN_OR_RETURN(
      std::vector<ConvergeOutcome> outcomes,
      s_.converger->Run(targets, /*dry_run=*/false, [&](const dm::v1::ConvergeEvent& e) {
        dm::v1::FleetEvent event = FleetEventOf(e.agent(), "converge", "running", "");
        *event.mutable_converge() = e;
        emit(event);
      }));
  std::vector<std::string> failed;
  for (const ConvergeOutcome& o : outcomes) {
    if (o.converged()) {
      emit(FleetEventOf(o.agent, "converge", o.run.changed > 0 ? "changed" : "ok",
                        absl::StrCat(o.run.role, ": ", o.run.resources, " resources, ",
                                     o.run.changed, " changed")));
      continue;
    }
    // "failed" is the event's status already; other outcomes (invalid, error) say theirs.
    std::string why = o.refused.empty()
                          ? absl::StrCat(o.run.status == "failed" ? "" : o.run.status + ": ",
                                         o.run.message, " (dmctl runs show ", o.run.id, ")")
                          : o.refused;
    emit(FleetEventOf(o.agent, "converge", "failed", why));
    failed.push_back(absl::StrCat(o.agent, " (", why, ")"));
  }
  if (!failed.empty()) return absl::AbortedError(absl::StrJoin(failed, ", "));
  return absl::OkStatus();
}

absl::Status FleetReconciler::PointDns(const FleetFile& file, const std::vector<FleetHost>& hosts,
                                       const FleetEventFn& emit) {
  std::vector<DnsRecord> wanted = WantedRecords(file, hosts);
  if (s_.dns == nullptr || wanted.empty()) return absl::OkStatus();
  DM_RETURN_IF_ERROR(s_.dns->EnsureZone(file.domain));
  DM_ASSIGN_OR_RETURN(std::vector<DnsRecord> have, s_.dns->ListRecords(file.domain));
  for (const DnsRecord& record : wanted) {
    std::string text =
        absl::StrCat(record.name, " ", record.type, " ", absl::StrJoin(record.values, " "));
    if (std::find(have.begin(), have.end(), record) != have.end()) {
      emit(FleetEventOf("", "dns", "ok", text));
      continue;
    }
    DM_RETURN_IF_ERROR(s_.dns->SetRecord(file.domain, record));
    emit(FleetEventOf("", "dns", "changed", text));
  }
  return absl::OkStatus();
}

absl::Status FleetReconciler::CheckSite(const FleetFile& file, const std::vector<FleetHost>& hosts,
                                        const FleetEventFn& emit) {
  for (const FleetHost& host : hosts) {
    if (!host.Provides(Service::kLoadBalancer) || host.address.empty()) continue;
    // First our own configuration's health endpoint (nginx reloads gracefully: until it has,
    // the package's default site may still answer), then the site itself.
    HttpRequest health;
    health.url = absl::StrCat("http://", host.address, "/lb-health");
    health.timeout = absl::Seconds(5);
    HttpRequest request;
    request.url = absl::StrCat("http://", host.address, "/");
    request.headers = {{"Host", "www." + file.domain}};
    request.timeout = absl::Seconds(10);
    absl::StatusOr<HttpResponse> response;
    absl::Time deadline = absl::Now() + kSiteWait;
    absl::Time sent;
    do {
      absl::StatusOr<HttpResponse> ours = s_.http->Send(health);
      if (ours.ok() && ours->status == 200 && ours->body == "ok\n") {
        sent = absl::Now();
        response = s_.http->Send(request);
        if (response.ok() && response->status == 200) break;
      } else {
        response =
            ours.ok()
                ? absl::StatusOr<HttpResponse>(absl::UnavailableError(absl::StrCat(
                      "/lb-health answered HTTP ", ours->status, " (not this fleet's nginx)")))
                : ours;
      }
      absl::SleepFor(absl::Milliseconds(200));
    } while (absl::Now() < deadline);
    if (!response.ok() || response->status != 200) {
      std::string what = response.ok() ? absl::StrCat("HTTP ", response->status)
                                       : std::string(response.status().message());
      emit(FleetEventOf(host.name, "check", "failed",
                        absl::StrCat("http://www.", file.domain, "/: ", what)));
      return absl::UnavailableError(absl::StrCat("the site did not answer through ", host.name,
                                                 " (", host.address, "): ", what));
    }
    emit(FleetEventOf(
        host.name, "check", "ok",
        absl::StrCat("http://www.", file.domain, "/ answered 200 through ", host.address, " in ",
                     absl::ToInt64Milliseconds(absl::Now() - sent), " ms")));
  }
  return absl::OkStatus();
}

}  // namespace dm
