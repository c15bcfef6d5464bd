// Small helpers shared by the fleet operations: building their events, serializing reports
// from parallel workers, and running one job per host in parallel.
#ifndef DM_CONTROLLER_FLEET_FLEET_EVENTS_H_
#define DM_CONTROLLER_FLEET_FLEET_EVENTS_H_

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "dm/v1/admin.pb.h"

namespace dm {

// Reports a fleet operation's steps as they happen. May be called from several threads at once
// unless it is Serialized.
using FleetEventFn = std::function<void(const dm::v1::FleetEvent&)>;

// `sink`, called by one thread at a time: for operations whose workers run in parallel.
FleetEventFn Serialized(const FleetEventFn& sink);

dm::v1::FleetEvent FleetEventOf(const std::string& host, const std::string& phase,
                                dm::v1::StepStatus status, const std::string& message);

// A commit as events show it: its first 12 characters.
inline std::string ShortCommit(const std::string& commit) { return commit.substr(0, 12); }

// Runs `job(i)` for i in [0, n) on threads of their own and returns the first error (all run to
// the end either way: a half-booted fleet is reported whole).
absl::Status ForEachInParallel(size_t n, const std::function<absl::Status(size_t)>& job);

}  // namespace dm

#endif  // DM_CONTROLLER_FLEET_FLEET_EVENTS_H_
