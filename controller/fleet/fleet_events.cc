#include "controller/fleet/fleet_events.h"

#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace dm {

FleetEventFn Serialized(const FleetEventFn& sink) {
  auto mu = std::make_shared<std::mutex>();
  return [mu, sink](const dm::v1::FleetEvent& e) {
    std::lock_guard<std::mutex> lock(*mu);
    sink(e);
  };
}

dm::v1::FleetEvent FleetEventOf(const std::string& host, const std::string& phase,
                                dm::v1::StepStatus status, const std::string& message) {
  dm::v1::FleetEvent event;
  event.set_host(host);
  event.set_phase(phase);
  event.set_status(status);
  event.set_message(message);
  return event;
}

absl::Status ForEachInParallel(size_t n, const std::function<absl::Status(size_t)>& job) {
  std::vector<absl::Status> results(n);
  std::vector<std::thread> workers;
  workers.reserve(n);
  for (size_t i = 0; i < n; ++i) workers.emplace_back([&, i] { results[i] = job(i); });
  for (std::thread& t : workers) t.join();
  for (const absl::Status& s : results) {
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace dm
