#include "controller/commands/command_tracker.h"

#include <set>

#include "common/random.h"

namespace dm {

std::string CommandTracker::NewCommandId() { return RandomToken(16); }

void CommandTracker::Register(const std::string& command_id, const std::string& agent_id,
                              std::shared_ptr<CommandSink> sink, std::string bundle_hash) {
  std::lock_guard<std::mutex> lock(mu_);
  commands_[command_id] = InFlight{agent_id, std::move(sink), std::move(bundle_hash), nullptr};
}

std::string CommandTracker::BundleOf(const std::string& agent_id,
                                     const std::string& command_id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = commands_.find(command_id);
  if (it == commands_.end() || it->second.agent_id != agent_id) return "";
  return it->second.bundle_hash;
}

void CommandTracker::AttachInput(const std::string& command_id,
                                 std::shared_ptr<const InputParts> parts) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = commands_.find(command_id);
  if (it != commands_.end()) it->second.input = std::move(parts);
}

std::shared_ptr<const CommandTracker::InputParts> CommandTracker::InputOf(
    const std::string& agent_id, const std::string& command_id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = commands_.find(command_id);
  if (it == commands_.end() || it->second.agent_id != agent_id) return nullptr;
  return it->second.input;
}

void CommandTracker::Forget(const std::string& command_id) {
  std::lock_guard<std::mutex> lock(mu_);
  commands_.erase(command_id);
}

bool CommandTracker::Deliver(const std::string& agent_id, const dm::v1::AgentMessage& message) {
  CommandEvent event;
  event.agent_id = agent_id;
  event.received = clock_->Now();
  if (message.has_output()) {
    event.command_id = message.output().command_id();
    event.output = message.output();
  } else if (message.has_result()) {
    event.command_id = message.result().command_id();
    event.result = message.result();
  } else if (message.has_progress()) {
    event.command_id = message.progress().command_id();
    event.progress = message.progress();
  } else {
    return false;
  }

  std::shared_ptr<CommandSink> sink;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = commands_.find(event.command_id);
    if (it == commands_.end() || it->second.agent_id != agent_id) return false;
    sink = it->second.sink;
    if (event.result) commands_.erase(it);
  }
  sink->Push(std::move(event));
  return true;
}

bool CommandTracker::BelongsToAnother(const std::string& agent_id,
                                      const std::string& command_id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = commands_.find(command_id);
  return it != commands_.end() && it->second.agent_id != agent_id;
}

size_t CommandTracker::FailCommandsOf(const std::string& agent_id, const std::string& error,
                                      const std::set<std::string>& keep) {
  std::vector<std::pair<std::string, std::shared_ptr<CommandSink>>> failed;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto it = commands_.begin(); it != commands_.end();) {
      if (it->second.agent_id == agent_id && keep.count(it->first) == 0) {
        failed.emplace_back(it->first, std::move(it->second.sink));
        it = commands_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (auto& [id, sink] : failed) {
    CommandEvent event;
    event.command_id = id;
    event.agent_id = agent_id;
    event.received = clock_->Now();
    event.result.emplace();
    event.result->set_command_id(id);
    event.result->set_exit_code(-1);
    event.result->set_error(error);
    sink->Push(std::move(event));
  }
  return failed.size();
}

std::vector<std::string> CommandTracker::AgentsWithCommands() const {
  std::set<std::string> agents;
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [id, command] : commands_) agents.insert(command.agent_id);
  return std::vector<std::string>(agents.begin(), agents.end());
}

size_t CommandTracker::in_flight() const {
  std::lock_guard<std::mutex> lock(mu_);
  return commands_.size();
}

}  // namespace dm
