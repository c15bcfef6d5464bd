#include "agent/commands/command_dispatcher.h"

#include <unistd.h>

#include <thread>

#include "absl/strings/str_cat.h"
#include "agent/converge/converge_command.h"
#include "agent/exec/command_runner.h"
#include "agent/exec/exec_input.h"
#include "common/log.h"
#include "common/version.h"

namespace dm {

void CommandDispatcher::Start(const dm::v1::Command& command) {
  const std::string& id = command.id();
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!seen_.insert(id).second) return;
    seen_order_.push_back(id);
    if (seen_order_.size() > kRememberedIds) {
      seen_.erase(seen_order_.front());
      seen_order_.pop_front();
    }
  }
  switch (command.kind_case()) {
    case dm::v1::Command::kNoop: {
      dm::v1::CommandResult result;
      result.set_exit_code(0);
      Finish(id, result);
      return;
    }
    case dm::v1::Command::kExec: {
      auto cancelled = std::make_shared<std::atomic<bool>>(false);
      {
        std::lock_guard<std::mutex> lock(mu_);
        running_[id] = cancelled;
        // Large input arrives as blobs, like a converge's cookbooks.
        if (command.exec().stdin_parts_size() > 0) inboxes_[id] = std::make_shared<BlobInbox>();
      }
      LogInfo("command {}: exec {}", id, command.exec().argv_size() ? command.exec().argv(0) : "");
      std::thread([this, id, exec = command.exec(), cancelled] {
        RunExec(id, exec, cancelled);
      }).detach();
      return;
    }
    case dm::v1::Command::kConverge: {
      auto cancelled = std::make_shared<std::atomic<bool>>(false);
      {
        std::lock_guard<std::mutex> lock(mu_);
        running_[id] = cancelled;
        inboxes_[id] = std::make_shared<BlobInbox>();
      }
      LogInfo("command {}: converge role {}{}", id, command.converge().role(),
              command.converge().dry_run() ? " (dry run)" : "");
      std::thread([this, id, converge = command.converge(), cancelled] {
        RunConverge(id, converge, cancelled);
      }).detach();
      return;
    }
    default: {
      dm::v1::CommandResult result;
      result.set_exit_code(-1);
      result.set_error(absl::StrCat("dm-agent ", kVersion, " does not know this kind of command (",
                                    command.kind_case(), "); upgrade the agent"));
      Finish(id, result);
    }
  }
}

BlobSource CommandDispatcher::SourceFor(const std::string& id) {
  std::shared_ptr<BlobInbox> inbox;
  {
    std::lock_guard<std::mutex> lock(mu_);
    inbox = inboxes_[id];
  }
  BlobSource source;
  source.request = [this, id](std::vector<std::string> sha256s) {
    dm::v1::AgentMessage message;
    message.mutable_blob_request()->set_command_id(id);
    for (std::string& sha : sha256s) message.mutable_blob_request()->add_sha256(std::move(sha));
    outbox_->Push(std::move(message));
  };
  source.next = [inbox](absl::Duration wait) -> std::optional<dm::v1::Blobs> {
    std::unique_lock<std::mutex> lock(inbox->mu);
    if (!inbox->ready.wait_for(lock, absl::ToChronoNanoseconds(wait),
                               [&] { return !inbox->queue.empty() || inbox->cancelled; }) ||
        inbox->queue.empty()) {
      return std::nullopt;
    }
    dm::v1::Blobs blobs = std::move(inbox->queue.front());
    inbox->queue.pop_front();
    return blobs;
  };
  return source;
}

void CommandDispatcher::DropInbox(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  inboxes_.erase(id);
}

void CommandDispatcher::RunExec(const std::string& id, const dm::v1::ExecCommand& exec,
                                std::shared_ptr<std::atomic<bool>> cancelled) {
  int input = -1;
  if (exec.stdin_parts_size() > 0) {
    BlobSource source = SourceFor(id);
    absl::StatusOr<int> fetched =
        FetchInputParts(exec.stdin_parts(), state_dir_, source, *cancelled);
    DropInbox(id);
    if (!fetched.ok()) {
      dm::v1::CommandResult result;
      result.set_exit_code(127);
      result.set_error(absl::StrCat("fetching the command's input: ", fetched.status().message()));
      LogInfo("command {}: {}", id, result.error());
      Finish(id, std::move(result));
      return;
    }
    input = *fetched;
  }
  size_t dropped = 0;
  dm::v1::CommandResult result = effects_.run_program(
      exec,
      [&](dm::v1::CommandOutput::Stream stream, std::string chunk) {
        dm::v1::AgentMessage message;
        dm::v1::CommandOutput* output = message.mutable_output();
        output->set_command_id(id);
        output->set_stream(stream);
        size_t n = chunk.size();
        output->set_data(std::move(chunk));
        if (!outbox_->Push(std::move(message))) dropped += n;
      },
      *cancelled, input);
  if (input >= 0) ::close(input);
  if (dropped > 0) {
    std::string note =
        absl::StrCat(dropped, " bytes of output were dropped while the controller was unreachable");
    result.set_error(result.error().empty() ? note : absl::StrCat(result.error(), "; ", note));
  }
  LogInfo("command {}: exit {}{}", id, result.exit_code(),
          result.error().empty() ? "" : " (" + result.error() + ")");
  Finish(id, std::move(result));
}

void CommandDispatcher::RunConverge(const std::string& id, const dm::v1::ConvergeCommand& converge,
                                    std::shared_ptr<std::atomic<bool>> cancelled) {
  BlobSource source = SourceFor(id);
  ConvergeChannel channel;
  channel.request_blobs = source.request;
  channel.next_blobs = source.next;
  channel.progress = [&](dm::v1::ConvergeProgress progress) {
    dm::v1::AgentMessage message;
    *message.mutable_progress() = std::move(progress);
    outbox_->Push(std::move(message));
  };
  if (health_ != nullptr) {
    channel.health_checks = [this, id](std::vector<health::CheckSpec> checks) {
      size_t count = checks.size();
      if (absl::Status s = health_->SetChecks(std::move(checks)); !s.ok())
        LogError("command {}: keeping the health checks: {}", id, s.ToString());
      else
        LogInfo("command {}: {} health checks from the role", id, count);
    };
  }
  channel.converge = effects_.converge;
  dm::v1::CommandResult result = RunConvergeCommand(id, converge, state_dir_, channel, *cancelled);
  LogInfo("command {}: converge ended with {}{}", id, result.exit_code(),
          result.error().empty() ? "" : " (" + result.error() + ")");
  DropInbox(id);
  Finish(id, std::move(result));
}

void CommandDispatcher::DeliverBlobs(dm::v1::Blobs blobs) {
  std::shared_ptr<BlobInbox> inbox;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = inboxes_.find(blobs.command_id());
    if (it == inboxes_.end()) return;  // the command ended meanwhile
    inbox = it->second;
  }
  std::lock_guard<std::mutex> lock(inbox->mu);
  inbox->queue.push_back(std::move(blobs));
  inbox->ready.notify_one();
}

void CommandDispatcher::Finish(const std::string& id, dm::v1::CommandResult result) {
  dm::v1::AgentMessage message;
  result.set_command_id(id);
  *message.mutable_result() = std::move(result);
  // Queued before the command leaves `running_`, so that a Hello always lists it one way or the
  // other (see Hello.active_commands).
  outbox_->Push(std::move(message));
  std::lock_guard<std::mutex> lock(mu_);
  running_.erase(id);
  if (running_.empty()) idle_.notify_all();
}

void CommandDispatcher::Cancel(const std::string& command_id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = running_.find(command_id);
  if (it == running_.end()) return;
  *it->second = true;
  WakeInboxLocked(command_id);
}

void CommandDispatcher::WakeInboxLocked(const std::string& id) {
  auto inbox = inboxes_.find(id);
  if (inbox == inboxes_.end()) return;
  std::lock_guard<std::mutex> lock(inbox->second->mu);
  inbox->second->cancelled = true;
  inbox->second->ready.notify_all();
}

std::vector<std::string> CommandDispatcher::ActiveIds() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> ids;
  for (const auto& [id, cancelled] : running_) ids.push_back(id);
  return ids;
}

void CommandDispatcher::CancelAllAndWait() {
  std::unique_lock<std::mutex> lock(mu_);
  for (auto& [id, cancelled] : running_) {
    *cancelled = true;
    WakeInboxLocked(id);
  }
  idle_.wait(lock, [this] { return running_.empty(); });
}

}  // namespace dm
