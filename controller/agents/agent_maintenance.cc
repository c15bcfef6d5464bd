#include "controller/agents/agent_maintenance.h"

#include "absl/time/clock.h"
#include "common/log.h"

namespace dm {

void AgentMaintenance::Start() {
  thread_ = std::thread([this] { Loop(); });
}

void AgentMaintenance::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  FlushNow(/*include_heartbeats=*/true);
}

void AgentMaintenance::Loop() {
  absl::Time next_flush = absl::Now() + options_.flush_interval;
  absl::Time next_heartbeat_flush = absl::Now() + options_.heartbeat_flush_interval;
  std::unique_lock<std::mutex> lock(mu_);
  while (!wake_.wait_for(lock, absl::ToChronoNanoseconds(options_.tick),
                         [this] { return stopping_; })) {
    lock.unlock();
    absl::Time now = absl::Now();
    Flush flush = Flush::kNone;
    if (now >= next_heartbeat_flush) {
      flush = Flush::kStatusAndHeartbeats;
      next_heartbeat_flush = now + options_.heartbeat_flush_interval;
      next_flush = now + options_.flush_interval;
    } else if (now >= next_flush) {
      flush = Flush::kStatus;
      next_flush = now + options_.flush_interval;
    }
    RunOnce(flush);
    lock.lock();
  }
}

void AgentMaintenance::RunOnce(Flush flush) {
  for (const std::string& name : directory_->ExpireSilent()) {
    LogWarn("agent {} missed its heartbeats; marked disconnected", name);
  }
  for (const std::string& agent_id : tracker_->AgentsWithCommands()) {
    if (directory_->DisconnectedLongerThan(agent_id, options_.resume_grace)) {
      size_t n = tracker_->FailCommandsOf(agent_id, "the agent disconnected and did not come back");
      if (n > 0) LogWarn("failed {} commands of disconnected agent {}", n, agent_id);
    }
  }
  if (flush != Flush::kNone) FlushNow(flush == Flush::kStatusAndHeartbeats);
}

void AgentMaintenance::FlushNow(bool include_heartbeats) {
  std::vector<AgentStatus> dirty = directory_->TakeDirtyStatus(include_heartbeats);
  if (dirty.empty()) return;
  absl::Time start = absl::Now();
  absl::Status status = store_->RecordAgentStatus(dirty);
  absl::Duration took = absl::Now() - start;
  if (took > absl::Milliseconds(200)) {
    LogWarn("saving the status of {} agents took {}", dirty.size(), absl::FormatDuration(took));
  }
  if (!status.ok()) {
    LogError("could not save status of {} agents (will retry): {}", dirty.size(),
             std::string(status.message()));
    directory_->ReturnDirtyStatus(dirty);
  }
}

}  // namespace dm
