// Runs the commands the controller sends and queues their output and results in the Outbox.
// Each exec and converge runs in its own thread; a no-op is answered at once.
//
// Thread-safe.
#ifndef DM_AGENT_COMMANDS_COMMAND_DISPATCHER_H_
#define DM_AGENT_COMMANDS_COMMAND_DISPATCHER_H_

#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "agent/exec/command_runner.h"
#include "agent/exec/exec_input.h"
#include "agent/health/health_monitor.h"
#include "agent/session/outbox.h"
#include "dm/v1/agent.pb.h"

namespace dm {

// What commands do to the host. The defaults are the real ones; the fuzz target that plays the
// controller (fuzz/controller_messages_fuzzer.cc) runs no program and converges nothing.
struct CommandEffects {
  // Runs an exec command's program (exec/command_runner.h).
  std::function<dm::v1::CommandResult(const dm::v1::ExecCommand&, const OutputHandler&,
                                      const std::atomic<bool>& cancelled, int input_fd)>
      run_program = RunCommand;
  // false: a converge fetches its bundle and loads the role, then stops (changes nothing).
  bool converge = true;
};

class CommandDispatcher {
 public:
  // `state_dir` holds the converge cache, backups and supervised services.
  // `health` (may be null) receives each converge's health checks.
  CommandDispatcher(Outbox* outbox, std::string state_dir, health::HealthMonitor* health = nullptr,
                    CommandEffects effects = {})
      : outbox_(outbox),
        state_dir_(std::move(state_dir)),
        health_(health),
        effects_(std::move(effects)) {}
  ~CommandDispatcher() { CancelAllAndWait(); }

  // Starts `command`. A command id seen before is ignored: the controller may deliver a command
  // again after a reconnect, and it must not run twice.
  void Start(const dm::v1::Command& command);
  void Cancel(const std::string& command_id);
  // Blobs the controller sent for a running converge command (cookbooks) or exec command (input).
  void DeliverBlobs(dm::v1::Blobs blobs);
  // Ids of commands still running.
  std::vector<std::string> ActiveIds() const;
  // Stops every running command and waits for their threads (agent shutdown).
  void CancelAllAndWait();

 private:
  void RunExec(const std::string& id, const dm::v1::ExecCommand& exec,
               std::shared_ptr<std::atomic<bool>> cancelled);
  void RunConverge(const std::string& id, const dm::v1::ConvergeCommand& converge,
                   std::shared_ptr<std::atomic<bool>> cancelled);
  void Finish(const std::string& id, dm::v1::CommandResult result);
  // Asks for blobs on the stream and takes them from command `id`'s inbox.
  BlobSource SourceFor(const std::string& id);
  void DropInbox(const std::string& id);

  // Blobs waiting for a command's thread. A cancelled command stops waiting at once.
  struct BlobInbox {
    std::mutex mu;
    std::condition_variable ready;
    std::deque<dm::v1::Blobs> queue;
    bool cancelled = false;
  };
  // Wakes command `id`'s wait for blobs, if it has one; requires mu_.
  void WakeInboxLocked(const std::string& id);

  Outbox* const outbox_;
  const std::string state_dir_;
  health::HealthMonitor* const health_;
  const CommandEffects effects_;
  mutable std::mutex mu_;
  std::condition_variable idle_;
  std::map<std::string, std::shared_ptr<std::atomic<bool>>> running_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::shared_ptr<BlobInbox>> inboxes_ ABSL_GUARDED_BY(mu_);
  // Recent command ids, for the duplicate check; bounded so a long-lived agent does not grow.
  static constexpr size_t kRememberedIds = 10000;
  std::set<std::string> seen_ ABSL_GUARDED_BY(mu_);
  std::deque<std::string> seen_order_ ABSL_GUARDED_BY(mu_);  // oldest first
};

}  // namespace dm

#endif  // DM_AGENT_COMMANDS_COMMAND_DISPATCHER_H_
