#include "controller/fleet/steps/maintenance.h"

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "controller/fleet/steps/converge_hosts.h"

namespace dm {
namespace {

constexpr absl::Duration kSwitchWait = absl::Seconds(20);
// Answers in a row that must agree: a worker of the old configuration may still take a
// connection just after the reload, so one answer proves little.
constexpr int kAgreeingAnswers = 5;

}  // namespace

absl::Status SetMaintenance(const FleetEnv& env, LoadedFleet& fleet, const Inventory& inventory,
                            bool on, const FleetEventFn& emit) {
  fleet.record.maintenance = on;
  fleet.record.updated = env.clock->Now();
  DM_RETURN_IF_ERROR(env.store->SaveFleet(fleet.record));
  std::vector<std::string> balancers;
  for (const FleetHost& host : inventory.hosts) {
    if (host.Provides(Service::kLoadBalancer) && inventory.ServerOf(host.name)) {
      balancers.push_back(host.name);
    }
  }
  if (balancers.empty()) return absl::OkStatus();
  DM_ASSIGN_OR_RETURN(FleetContext context, ContextFor(env, fleet, fleet.record.commit));
  DM_RETURN_IF_ERROR(ConvergeHosts(env, fleet.file, inventory, context, balancers, emit));
  for (const FleetHost& host : inventory.hosts) {
    if (!host.Provides(Service::kLoadBalancer) || host.address.empty()) continue;
    HttpRequest probe;
    probe.url = absl::StrCat("http://", host.address, "/");
    probe.timeout = absl::Seconds(5);
    long status = 0;
    int agreeing = 0;
    for (const absl::Time deadline = env.clock->Now() + kSwitchWait;
         agreeing < kAgreeingAnswers && env.clock->Now() < deadline;
         env.clock->SleepFor(absl::Milliseconds(100))) {
      absl::StatusOr<HttpResponse> r = env.world->Fetch(probe);
      status = r.ok() ? r->status : 0;
      bool switched = on ? status == 503 : status != 503 && status != 0;
      agreeing = switched ? agreeing + 1 : 0;
    }
    std::string what =
        absl::StrCat(on ? "maintenance page on" : "serving the site", " (HTTP ", status, ")");
    if (agreeing < kAgreeingAnswers) {
      emit(FleetEventOf(host.name, "maintenance", dm::v1::STEP_FAILED, what));
      return absl::UnavailableError(absl::StrCat(
          host.name, " still answers HTTP ", status, " after ", absl::FormatDuration(kSwitchWait),
          on ? ": the maintenance page is not on" : ": the site is not back"));
    }
    emit(FleetEventOf(host.name, "maintenance", dm::v1::STEP_CHANGED, what));
  }
  return absl::OkStatus();
}

}  // namespace dm
