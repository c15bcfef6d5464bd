// Where the output and results of commands in flight are delivered: a bounded, blocking queue
// that one admin call (dmctl exec, ping) drains. Several commands may share one sink (a fan-out).
//
// Thread-safe.
#ifndef DM_CONTROLLER_COMMANDS_COMMAND_SINK_H_
#define DM_CONTROLLER_COMMANDS_COMMAND_SINK_H_

#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/time/time.h"
#include "dm/v1/agent.pb.h"

namespace dm {

struct CommandEvent {
  std::string command_id;
  std::string agent_id;
  absl::Time received;
  // Exactly one is set.
  std::optional<dm::v1::CommandOutput> output;
  std::optional<dm::v1::CommandResult> result;
  std::optional<dm::v1::ConvergeProgress> progress;
};

class CommandSink {
 public:
  // Output beyond this many buffered bytes is dropped (the reader is too slow); results are
  // always kept. The drop is reported once with the result.
  static constexpr size_t kMaxBufferedOutputBytes = 16 << 20;
  // How long a waiting reader blocks in Pop at a time, between looks at whether its own client
  // went away.
  static constexpr absl::Duration kPollInterval = absl::Milliseconds(100);

  void Push(CommandEvent event);
  // The next event, waiting up to `timeout`. nullopt on timeout.
  std::optional<CommandEvent> Pop(absl::Duration timeout);
  // Bytes of output dropped so far because the buffer was full.
  size_t dropped_bytes() const;

 private:
  mutable std::mutex mu_;
  std::condition_variable ready_;
  std::deque<CommandEvent> events_ ABSL_GUARDED_BY(mu_);
  size_t buffered_bytes_ ABSL_GUARDED_BY(mu_) = 0;
  size_t dropped_bytes_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace dm

#endif  // DM_CONTROLLER_COMMANDS_COMMAND_SINK_H_
