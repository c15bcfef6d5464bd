// Small helpers shared by the fleet operations: building their events, serializing reports
// from parallel workers, and running one job per host in parallel.
#ifndef DM_CONTROLLER_FLEET_FLEET_EVENTS_H_
#define DM_CONTROLLER_FLEET_FLEET_EVENTS_H_

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "dm/v1/admin.pb.h"

namespace dm {

// Reports a fleet operation's steps as they happen.
using FleetEventFn = std::function<void(const dm::v1::FleetEvent&)>;

// `sink`, called by one thread at a time: for operations whose workers run in parallel.
inline FleetEventFn Serialized(const FleetEventFn& sink) {
  auto mu = std::make_shared<std::mutex>();
  return [mu, sink](const dm::v1::FleetEvent& e) {
    std::lock_guard<std::mutex> lock(*mu);
    sink(e);
  };
}

inline dm::v1::FleetEvent FleetEventOf(const std::string& host, const std::string& phase,
                                       const std::string& status, const std::string& message) {
  dm::v1::FleetEvent event;
  event.set_host(host);
  event.set_phase(phase);
  event.set_status(status);
  event.set_message(message);
  return event;
}

// Runs `job(i)` for i in [0, n) on threads of their own and returns the first error (all run to
// the end either way: a half-booted fleet is reported whole).
inline absl::Status ForEachInParallel(size_t n, const std::function<absl::Status(size_t)>& job) {
  std::vector<absl::Status> results(n);
  std::vector<std::thread> workers;
  for (size_t i = 0; i < n; ++i) workers.emplace_back([&, i] { results[i] = job(i); });
  for (std::thread& t : workers) t.join();
  for (const absl::Status& s : results) {
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace dm

#endif  // DM_CONTROLLER_FLEET_FLEET_EVENTS_H_
