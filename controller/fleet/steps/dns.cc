#include "controller/fleet/steps/dns.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/failpoint.h"
#include "common/status_macros.h"

namespace dm {

std::vector<DnsRecord> WantedRecords(const FleetFile& file, const std::vector<FleetHost>& hosts) {
  std::vector<std::string> addresses;
  for (const FleetHost& host : hosts) {
    if (host.Provides(Service::kLoadBalancer) && !host.address.empty()) {
      addresses.push_back(host.address);
    }
  }
  if (addresses.empty()) return {};
  std::sort(addresses.begin(), addresses.end());
  return {DnsRecord{file.domain, "A", 60, addresses},
          DnsRecord{"www." + file.domain, "A", 60, addresses}};
}

absl::StatusOr<DnsProvider*> FleetDnsProvider(const FleetEnv& env, const FleetFile& file) {
  DnsProvider* dns = env.world->Dns(file.dns.provider);
  if (dns == nullptr && file.dns.provider != "local") {
    return absl::FailedPreconditionError(
        absl::StrCat("fleet ", file.name, ": the controller has no DNS provider '",
                     file.dns.provider, "' (dm-controller --providers, docs/providers.md)"));
  }
  return dns;
}

absl::Status RemoveDns(const FleetEnv& env, const FleetFile& file, const FleetEventFn& emit) {
  DM_ASSIGN_OR_RETURN(DnsProvider * dns, FleetDnsProvider(env, file));
  if (dns == nullptr) return absl::OkStatus();
  if (file.dns.provider == "local") {
    DM_RETURN_IF_ERROR(dns->DeleteZone(file.domain));
    emit(FleetEventOf("", "dns", dm::v1::STEP_CHANGED,
                      absl::StrCat("removed the zone ", file.domain)));
    return absl::OkStatus();
  }
  for (const std::string& name : {file.domain, "www." + file.domain}) {
    DM_RETURN_IF_ERROR(dns->DeleteRecord(file.dns.zone, name, "A"));
  }
  emit(FleetEventOf("", "dns", dm::v1::STEP_CHANGED,
                    absl::StrCat("removed ", file.domain, " and www.", file.domain, " from ",
                                 file.dns.zone, " at ", file.dns.provider)));
  return absl::OkStatus();
}

absl::Status PointDns(const FleetEnv& env, const FleetFile& file,
                      const std::vector<FleetHost>& hosts, bool apply, const FleetEventFn& emit) {
  DM_ASSIGN_OR_RETURN(DnsProvider * dns, FleetDnsProvider(env, file));
  const std::string& zone = file.dns.zone;
  const bool balanced = std::any_of(hosts.begin(), hosts.end(), [](const FleetHost& h) {
    return h.Provides(Service::kLoadBalancer);
  });
  if (dns == nullptr || !balanced) return absl::OkStatus();
  const bool all_addressed = std::all_of(hosts.begin(), hosts.end(), [](const FleetHost& h) {
    return !h.Provides(Service::kLoadBalancer) || !h.address.empty();
  });
  if (!apply && !all_addressed) {
    emit(FleetEventOf(
        "", "dns", dm::v1::STEP_PLANNED,
        absl::StrCat("point ", file.domain, " and www.", file.domain, " at the load balancers")));
    return absl::OkStatus();
  }
  std::vector<DnsRecord> wanted = WantedRecords(file, hosts);
  if (apply) {
    Failpoint("dns.before_change");
    DM_RETURN_IF_ERROR(dns->EnsureZone(zone));
  }
  // A plan for a zone not made yet: every record would be new.
  absl::StatusOr<std::vector<DnsRecord>> current = dns->ListRecords(zone);
  if (!current.ok() && (apply || !absl::IsNotFound(current.status()))) return current.status();
  const std::vector<DnsRecord> have = current.ok() ? *current : std::vector<DnsRecord>{};
  for (const DnsRecord& record : wanted) {
    std::string text =
        absl::StrCat(record.name, " ", record.type, " ", absl::StrJoin(record.values, " "));
    if (std::find(have.begin(), have.end(), record) != have.end()) {
      emit(FleetEventOf("", "dns", dm::v1::STEP_OK, text));
      continue;
    }
    if (!apply) {
      emit(FleetEventOf("", "dns", dm::v1::STEP_PLANNED, "set " + text));
      continue;
    }
    DM_RETURN_IF_ERROR(dns->SetRecord(zone, record));
    emit(FleetEventOf("", "dns", dm::v1::STEP_CHANGED, text));
  }
  return absl::OkStatus();
}

}  // namespace dm
