#include "controller/commands/command_sink.h"

#include "absl/time/clock.h"

namespace dm {

void CommandSink::Push(CommandEvent event) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (event.output) {
      size_t n = event.output->data().size();
      if (buffered_bytes_ + n > kMaxBufferedOutputBytes) {
        dropped_bytes_ += n;
        return;
      }
      buffered_bytes_ += n;
    }
    events_.push_back(std::move(event));
  }
  ready_.notify_one();
}

std::optional<CommandEvent> CommandSink::Pop(absl::Duration timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  if (!ready_.wait_for(lock, absl::ToChronoNanoseconds(timeout),
                       [this] { return !events_.empty(); })) {
    return std::nullopt;
  }
  CommandEvent event = std::move(events_.front());
  events_.pop_front();
  if (event.output) buffered_bytes_ -= event.output->data().size();
  return event;
}

size_t CommandSink::dropped_bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return dropped_bytes_;
}

}  // namespace dm
