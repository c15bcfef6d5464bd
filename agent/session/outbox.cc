#include "agent/session/outbox.h"

namespace dm {

bool Outbox::Push(dm::v1::AgentMessage message) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (message.has_output()) {
      size_t n = message.output().data().size();
      if (output_bytes_ + n > kMaxPendingOutputBytes) return false;
      output_bytes_ += n;
    }
    message.set_seq(++last_seq_);
    queue_.push_back(std::move(message));
  }
  ready_.notify_all();
  return true;
}

std::optional<dm::v1::AgentMessage> Outbox::NextToSend(absl::Duration wait) {
  std::unique_lock<std::mutex> lock(mu_);
  ready_.wait_for(lock, absl::ToChronoNanoseconds(wait),
                  [this] { return interrupted_ || next_to_send_ < queue_.size(); });
  if (interrupted_) {
    interrupted_ = false;
    return std::nullopt;
  }
  if (next_to_send_ >= queue_.size()) return std::nullopt;
  return queue_[next_to_send_++];
}

void Outbox::Interrupt() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    interrupted_ = true;
  }
  ready_.notify_all();
}

void Outbox::Ack(uint64_t seq) {
  std::lock_guard<std::mutex> lock(mu_);
  while (!queue_.empty() && queue_.front().seq() <= seq) {
    if (queue_.front().has_output()) output_bytes_ -= queue_.front().output().data().size();
    queue_.pop_front();
    if (next_to_send_ > 0) --next_to_send_;
  }
}

void Outbox::RewindToUnacked() {
  std::lock_guard<std::mutex> lock(mu_);
  next_to_send_ = 0;
  interrupted_ = false;
}

std::vector<std::string> Outbox::PendingResultIds() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> ids;
  for (const auto& m : queue_) {
    if (m.has_result()) ids.push_back(m.result().command_id());
  }
  return ids;
}

size_t Outbox::pending() const {
  std::lock_guard<std::mutex> lock(mu_);
  return queue_.size();
}

}  // namespace dm
