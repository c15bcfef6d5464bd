// Loading fleets, their status, plan and down. Up is in fleet_up.cc.
#include "controller/fleet/fleet_reconciler.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "common/status_macros.h"
#include "controller/fleet/fleet_events.h"
#include "controller/store/record_protos.h"
#include "spdlog/spdlog.h"

namespace dm {

FleetReconciler::Busy::~Busy() {
  std::lock_guard<std::mutex> lock(owner_->busy_mu_);
  owner_->busy_.erase(fleet_);
}

absl::StatusOr<std::unique_ptr<FleetReconciler::Busy>> FleetReconciler::Claim(
    const std::string& fleet) {
  std::lock_guard<std::mutex> lock(busy_mu_);
  if (!busy_.insert(fleet).second) {
    return absl::FailedPreconditionError(
        absl::StrCat("fleet '", fleet,
                     "' is busy: another up, down or deploy is running; try again when it ends"));
  }
  return std::make_unique<Busy>(this, fleet);
}

void FleetReconciler::Audit(const std::string& kind, const std::string& subject,
                            const std::string& message) {
  absl::Status status = s_.store->AppendEvent(EventRecord{absl::Now(), kind, subject, message});
  if (!status.ok())
    spdlog::error("could not record event {}: {}", kind, std::string(status.message()));
}

std::string FleetReconciler::AgentUpgrade(const dm::v1::Server& server) {
  absl::StatusOr<const AgentPackage*> package = s_.servers->Package();
  if (!package.ok() || server.bootstrap() != "done" ||
      server.agent_package() == (*package)->version)
    return "";
  return absl::StrCat(server.agent_package().empty() ? "an older agent" : server.agent_package(),
                      " -> ", (*package)->version);
}

absl::StatusOr<FleetReconciler::Loaded> FleetReconciler::Load(const dm::v1::FleetRequest& request) {
  if (!s_.converger->has_cookbooks()) {
    return absl::FailedPreconditionError(
        "this controller has no cookbooks: start it with --deploy-dir DIR (a folder with "
        "cookbooks/ and roles/)");
  }
  Loaded fleet;
  if (!request.file_text().empty()) {
    std::string path = request.file_path().empty() ? "fleet.yaml" : request.file_path();
    DM_ASSIGN_OR_RETURN(fleet.file,
                        ParseFleetFile(request.file_text(), path, s_.converger->deploy_dir()));
    absl::StatusOr<FleetRecord> record = s_.store->GetFleet(fleet.file.name);
    if (record.ok()) {
      fleet.record = std::move(*record);
      fleet.known = true;
    } else if (absl::IsNotFound(record.status())) {
      fleet.record.name = fleet.file.name;
      fleet.record.created = absl::Now();
    } else {
      return record.status();
    }
    fleet.record.file_path = path;
    fleet.record.file_text = request.file_text();
    return fleet;
  }
  if (request.name().empty()) return absl::InvalidArgumentError("name a fleet, or give its file");
  absl::StatusOr<FleetRecord> record = s_.store->GetFleet(request.name());
  if (absl::IsNotFound(record.status())) {
    return absl::NotFoundError(
        absl::StrCat("no fleet '", request.name(), "' (dmctl up FILE creates one)"));
  }
  if (!record.ok()) return record.status();
  fleet.record = std::move(*record);
  fleet.known = true;
  DM_ASSIGN_OR_RETURN(fleet.file, ParseFleetFile(fleet.record.file_text, fleet.record.file_path,
                                                 s_.converger->deploy_dir()));
  return fleet;
}

bool FleetReconciler::WaitForAgent(const std::string& name, absl::Duration timeout) {
  for (absl::Time deadline = absl::Now() + timeout;; absl::SleepFor(absl::Milliseconds(100))) {
    absl::StatusOr<AgentView> view = s_.directory->Get(name);
    if (view.ok() && view->connected) return true;
    if (!view.ok() || absl::Now() > deadline) return false;
  }
}

absl::StatusOr<FleetReconciler::Inventory> FleetReconciler::Take(const FleetFile& file) {
  Inventory inventory;
  inventory.hosts = DesiredHosts(file);
  DM_ASSIGN_OR_RETURN(std::vector<dm::v1::Server> servers, s_.servers->List());
  for (dm::v1::Server& server : servers) {
    if (server.fleet() == file.name) inventory.servers.emplace(server.name(), std::move(server));
  }
  for (FleetHost& host : inventory.hosts) {
    auto it = inventory.servers.find(host.name);
    if (it != inventory.servers.end()) host.address = it->second.address();
  }
  return inventory;
}

absl::StatusOr<FleetContext> FleetReconciler::Context(const Loaded& fleet,
                                                      const std::string& commit) {
  FleetContext context;
  context.app_repository = s_.apps->Url(fleet.file.name);
  context.app_commit = commit;
  context.controller_address = s_.servers->local_network_address();
  context.maintenance = fleet.record.maintenance;
  for (const AgentView& view : s_.directory->List()) {
    if (view.record.facts.memory_bytes() > 0)
      context.memory_bytes[view.record.name] = view.record.facts.memory_bytes();
  }
  nlohmann::json secrets = nlohmann::json::parse(fleet.record.secrets_json, nullptr, false);
  if (!secrets.is_object())
    return absl::DataLossError(
        absl::StrCat("fleet ", fleet.file.name, ": stored secrets are unreadable"));
  for (const auto& [attribute, value] : secrets.items()) {
    if (value.is_string()) context.secrets[attribute] = value.get<std::string>();
  }
  return context;
}

std::vector<DnsRecord> FleetReconciler::WantedRecords(const FleetFile& file,
                                                      const std::vector<FleetHost>& hosts) const {
  std::vector<std::string> addresses;
  for (const FleetHost& host : hosts) {
    if (host.Provides(Service::kLoadBalancer) && !host.address.empty())
      addresses.push_back(host.address);
  }
  if (addresses.empty()) return {};
  std::sort(addresses.begin(), addresses.end());
  return {DnsRecord{file.domain, "A", 60, addresses},
          DnsRecord{"www." + file.domain, "A", 60, addresses}};
}

absl::StatusOr<dm::v1::FleetStatusResponse> FleetReconciler::Status(
    const dm::v1::FleetRequest& request) {
  DM_ASSIGN_OR_RETURN(Loaded fleet, Load(request));
  DM_ASSIGN_OR_RETURN(Inventory inventory, Take(fleet.file));
  dm::v1::FleetStatusResponse response;
  response.set_fleet(fleet.file.name);
  response.set_domain(fleet.file.domain);
  response.set_commit(fleet.record.commit);
  auto describe = [&](const std::string& name, const std::string& role) {
    dm::v1::FleetServer* out = response.add_servers();
    out->set_name(name);
    out->set_role(role);
    for (const FleetHost& host : inventory.hosts) {
      if (host.name != name) continue;
      for (Service s : host.provides) {
        out->add_provides(s == Service::kDatabase ? "database"
                          : s == Service::kCache  ? "cache"
                          : s == Service::kApp    ? "app"
                                                  : "loadbalancer");
      }
    }
    auto it = inventory.servers.find(name);
    if (it == inventory.servers.end()) {
      out->set_state("absent");
      return;
    }
    out->set_address(it->second.address());
    out->set_state(it->second.state());
    out->set_bootstrap(it->second.bootstrap());
    out->set_agent(it->second.agent());
    // The latest real converge: dry runs (plans) change nothing.
    absl::StatusOr<std::vector<RunRecord>> runs = s_.store->ListRuns(name, 20);
    if (runs.ok()) {
      for (const RunRecord& run : *runs) {
        if (!run.dry_run) {
          *out->mutable_last_run() = ToProto(run);
          break;
        }
      }
    }
  };
  std::set<std::string> listed;
  for (const FleetHost& host : inventory.hosts) {
    describe(host.name, host.role);
    listed.insert(host.name);
  }
  for (const auto& [name, server] : inventory.servers) {
    if (!listed.count(name)) describe(name, server.role());
  }
  if (s_.dns != nullptr) {
    response.set_dns_server(s_.dns_server);
    absl::StatusOr<std::vector<DnsRecord>> records = s_.dns->ListRecords(fleet.file.domain);
    if (records.ok()) {
      for (const DnsRecord& r : *records) {
        dm::v1::DnsRecordView* view = response.add_dns();
        view->set_name(r.name);
        view->set_type(r.type);
        view->set_ttl(static_cast<uint32_t>(r.ttl));
        for (const std::string& v : r.values) view->add_values(v);
      }
    }
  }
  return response;
}

absl::Status FleetReconciler::Plan(const dm::v1::FleetRequest& request,
                                   const FleetEventFn& on_event) {
  FleetEventFn emit = Serialized(on_event);
  DM_ASSIGN_OR_RETURN(Loaded fleet, Load(request));
  DM_ASSIGN_OR_RETURN(Inventory inventory, Take(fleet.file));

  std::string commit = fleet.record.commit;
  if (!fleet.file.app.repository.empty()) {
    DM_ASSIGN_OR_RETURN(
        std::string wanted,
        s_.apps->Sync(fleet.file.name, fleet.file.app.repository, fleet.file.app.revision));
    if (commit.empty() || RevisionChanged(fleet)) {
      emit(FleetEventOf(
          "", "app", "planned",
          absl::StrCat("deploy ", wanted.substr(0, 12), " (", fleet.file.app.revision, ")")));
      commit = wanted;
    } else {
      emit(FleetEventOf("", "app", "ok", absl::StrCat("keep ", commit.substr(0, 12))));
    }
  }
  bool all_exist = true;
  std::vector<ConvergeTarget> targets;
  DM_ASSIGN_OR_RETURN(FleetContext context, Context(fleet, commit));
  for (const FleetHost& host : inventory.hosts) {
    auto it = inventory.servers.find(host.name);
    if (it == inventory.servers.end()) {
      all_exist = false;
      emit(FleetEventOf(
          host.name, "boot", "planned",
          absl::StrCat("boot a ", fleet.file.provider, " server for role ", host.role)));
      emit(FleetEventOf(host.name, "bootstrap", "planned", "harden it and install its agent"));
      continue;
    }
    if (it->second.bootstrap() != "done") {
      emit(FleetEventOf(host.name, "bootstrap", "planned", "harden it and install its agent"));
    } else if (it->second.agent() != dm::v1::CONNECTED) {
      emit(FleetEventOf(host.name, "bootstrap", "planned",
                        "again, unless its agent reconnects first: it is not connected now"));
    } else if (std::string upgrade = AgentUpgrade(it->second); !upgrade.empty()) {
      emit(FleetEventOf(host.name, "bootstrap", "planned",
                        absl::StrCat("upgrade its agent: ", upgrade)));
    }
    targets.push_back(
        {host.name, host.role, HostAttributes(fleet.file, inventory.hosts, host, context).dump()});
  }
  for (const auto& [name, server] : inventory.servers) {
    if (!fleet.file.Find(server.role()) ||
        std::none_of(inventory.hosts.begin(), inventory.hosts.end(),
                     [&](const FleetHost& h) { return h.name == name; })) {
      emit(FleetEventOf(
          name, "surplus", "ok",
          "not in the fleet file; up leaves it (dmctl scale ROLE=N removes extra servers)"));
    }
  }
  if (!all_exist) {
    for (const FleetHost& host : inventory.hosts) {
      emit(FleetEventOf(
          host.name, "converge", "planned",
          absl::StrCat("converge role ", host.role, " (stage ", host.stage() + 1, " of 4)")));
    }
  } else {
    // Dry runs on the hosts themselves: exactly what would change, with diffs in dmctl runs show.
    DM_ASSIGN_OR_RETURN(std::vector<ConvergeOutcome> outcomes,
                        s_.converger->Run(targets, /*dry_run=*/true, {}));
    for (const ConvergeOutcome& o : outcomes) {
      if (!o.refused.empty()) {
        emit(FleetEventOf(o.agent, "converge", "planned",
                          absl::StrCat("converge (cannot look now: ", o.refused, ")")));
      } else if (o.run.status != "converged") {
        emit(FleetEventOf(o.agent, "converge", "failed",
                          absl::StrCat("dry run ", o.run.status, ": ", o.run.message)));
      } else if (o.run.changed > 0) {
        emit(
            FleetEventOf(o.agent, "converge", "planned",
                         absl::StrCat(o.run.changed, " of ", o.run.resources,
                                      " resources would change (dmctl runs show ", o.run.id, ")")));
      } else {
        emit(FleetEventOf(o.agent, "converge", "ok",
                          absl::StrCat("no change (", o.run.resources, " resources)")));
      }
    }
  }
  bool balanced =
      std::any_of(inventory.hosts.begin(), inventory.hosts.end(),
                  [](const FleetHost& h) { return h.Provides(Service::kLoadBalancer); });
  if (s_.dns != nullptr && balanced) {
    if (!all_exist) {
      emit(FleetEventOf("", "dns", "planned",
                        absl::StrCat("point ", fleet.file.domain, " and www.", fleet.file.domain,
                                     " at the load balancers")));
    } else {
      absl::StatusOr<std::vector<DnsRecord>> current = s_.dns->ListRecords(fleet.file.domain);
      std::vector<DnsRecord> have = current.ok() ? *current : std::vector<DnsRecord>{};
      for (const DnsRecord& record : WantedRecords(fleet.file, inventory.hosts)) {
        bool same = std::find(have.begin(), have.end(), record) != have.end();
        emit(FleetEventOf("", "dns", same ? "ok" : "planned",
                          absl::StrCat(same ? "" : "set ", record.name, " ", record.type, " ",
                                       absl::StrJoin(record.values, " "))));
      }
    }
  }
  return absl::OkStatus();
}

bool FleetReconciler::RevisionChanged(const Loaded& fleet) const {
  if (!fleet.known) return true;
  // The revision the stored file asked for, against the one asked for now.
  absl::StatusOr<FleetFile> before =
      ParseFleetFile(fleet.record.file_text, fleet.record.file_path, s_.converger->deploy_dir());
  return !before.ok() || before->app.revision != fleet.file.app.revision ||
         before->app.repository != fleet.file.app.repository;
}

absl::Status FleetReconciler::Down(const dm::v1::FleetRequest& request,
                                   const FleetEventFn& on_event) {
  FleetEventFn emit = Serialized(on_event);
  DM_ASSIGN_OR_RETURN(Loaded fleet, Load(request));
  DM_ASSIGN_OR_RETURN(std::unique_ptr<Busy> busy, Claim(fleet.file.name));
  DM_ASSIGN_OR_RETURN(Inventory inventory, Take(fleet.file));
  std::vector<std::string> names;
  for (const auto& [name, server] : inventory.servers) names.push_back(name);
  absl::Status destroyed = ForEachInParallel(names.size(), [&](size_t i) -> absl::Status {
    emit(FleetEventOf(names[i], "destroy", "running", "destroying the server and its agent"));
    absl::Status s = s_.servers->Destroy(names[i]);
    emit(FleetEventOf(names[i], "destroy", s.ok() ? "changed" : "failed",
                      s.ok() ? "destroyed" : std::string(s.message())));
    return s;
  });
  if (!destroyed.ok()) return destroyed;
  if (s_.dns != nullptr) {
    DM_RETURN_IF_ERROR(s_.dns->DeleteZone(fleet.file.domain));
    emit(FleetEventOf("", "dns", "changed", absl::StrCat("removed the zone ", fleet.file.domain)));
  }
  s_.apps->Remove(fleet.file.name);
  absl::Status forgotten = s_.store->DeleteFleet(fleet.file.name);
  if (!forgotten.ok() && !absl::IsNotFound(forgotten)) return forgotten;
  Audit("fleet.down", fleet.file.name, absl::StrCat(names.size(), " servers destroyed"));
  return absl::OkStatus();
}

}  // namespace dm
