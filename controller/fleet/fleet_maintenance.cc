#include "controller/fleet/fleet_maintenance.h"

#include "absl/time/clock.h"
#include "spdlog/spdlog.h"

namespace dm {

void FleetMaintenance::Start() { thread_ = std::thread([this] { Loop(); }); }

void FleetMaintenance::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  Flush();
}

void FleetMaintenance::Loop() {
  absl::Time next_flush = absl::Now() + options_.flush_interval;
  std::unique_lock<std::mutex> lock(mu_);
  while (!wake_.wait_for(lock, absl::ToChronoNanoseconds(options_.tick), [this] { return stopping_; })) {
    lock.unlock();
    bool flush = absl::Now() >= next_flush;
    if (flush) next_flush = absl::Now() + options_.flush_interval;
    RunOnce(flush);
    lock.lock();
  }
}

void FleetMaintenance::RunOnce(bool flush) {
  for (const std::string& id : directory_->ExpireSilent()) {
    spdlog::warn("agent {} missed its heartbeats; marked disconnected", id);
  }
  for (const std::string& agent_id : tracker_->AgentsWithCommands()) {
    if (directory_->DisconnectedLongerThan(agent_id, options_.resume_grace)) {
      size_t n = tracker_->FailCommandsOf(agent_id, "the agent disconnected and did not come back");
      if (n > 0) spdlog::warn("failed {} commands of disconnected agent {}", n, agent_id);
    }
  }
  if (flush) Flush();
}

void FleetMaintenance::Flush() {
  std::vector<AgentStatus> dirty = directory_->TakeDirtyStatus();
  if (dirty.empty()) return;
  absl::Status status = store_->RecordAgentStatus(dirty);
  if (!status.ok()) {
    spdlog::error("could not save status of {} agents (will retry): {}", dirty.size(),
                  std::string(status.message()));
    directory_->ReturnDirtyStatus(dirty);
  }
}

}  // namespace dm
