// Admin RPCs that send commands to agents over their streams: exec (one agent, output streamed
// back) and ping (a no-op fanned out to many, round trips streamed back).
#include <unordered_map>

#include "absl/strings/str_cat.h"
#include "common/grpc_status.h"
#include "controller/server/admin_handler.h"
#include "spdlog/spdlog.h"

namespace dm {
namespace {

// How often a waiting handler looks whether its client went away.
constexpr absl::Duration kPollInterval = absl::Milliseconds(100);
constexpr absl::Duration kDefaultPingTimeout = absl::Seconds(10);

grpc::Status Unreachable(const AgentView& view) {
  std::string seen = view.record.last_seen == absl::InfinitePast()
                         ? "never connected"
                         : absl::StrCat("last seen ", absl::FormatTime(absl::RFC3339_sec, view.record.last_seen,
                                                                       absl::UTCTimeZone()));
  return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                      absl::StrCat("agent ", view.record.name, " is disconnected (", seen, ")"));
}

dm::v1::ControllerMessage CancelMessage(const std::string& command_id) {
  dm::v1::ControllerMessage cancel;
  cancel.mutable_cancel()->set_id(command_id);
  return cancel;
}

}  // namespace

grpc::Status AdminHandler::Exec(grpc::ServerContext* context, const dm::v1::ExecRequest* request,
                                grpc::ServerWriter<dm::v1::ExecEvent>* writer) {
  if (grpc::Status s = Authorize(context); !s.ok()) return s;
  if (request->command().argv_size() == 0 || request->command().argv(0).empty()) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "exec needs a program to run");
  }
  absl::StatusOr<AgentView> view = directory_->Get(request->agent());
  if (!view.ok()) return ToGrpcStatus(view.status());
  if (!view->connected) return Unreachable(*view);

  const std::string agent_id = view->record.id;
  const std::string command_id = CommandTracker::NewCommandId();
  auto sink = std::make_shared<CommandSink>();
  tracker_->Register(command_id, agent_id, sink);
  dm::v1::ControllerMessage message;
  message.mutable_command()->set_id(command_id);
  *message.mutable_command()->mutable_exec() = request->command();
  if (!directory_->Send(agent_id, message)) {
    tracker_->Forget(command_id);
    return Unreachable(*view);
  }
  // The program is recorded, not its arguments or environment: they may carry secrets.
  spdlog::info("exec {} on {} (command {})", request->command().argv(0), view->record.name, command_id);
  Audit("command.exec", view->record.name, absl::StrCat(request->command().argv(0), " (command ", command_id, ")"));

  for (;;) {
    std::optional<CommandEvent> event = sink->Pop(kPollInterval);
    if (context->IsCancelled()) {
      // dmctl went away (Ctrl-C): stop the program instead of letting it run unobserved.
      directory_->Send(agent_id, CancelMessage(command_id));
      tracker_->Forget(command_id);
      return grpc::Status(grpc::StatusCode::CANCELLED, "cancelled by the client");
    }
    if (!event) continue;
    dm::v1::ExecEvent out;
    if (event->output) {
      *out.mutable_output() = std::move(*event->output);
    } else {
      *out.mutable_result() = std::move(*event->result);
      if (size_t dropped = sink->dropped_bytes(); dropped > 0) {
        std::string note = absl::StrCat(dropped, " bytes of output were dropped: the client read too slowly");
        std::string error = out.result().error();
        out.mutable_result()->set_error(error.empty() ? note : absl::StrCat(error, "; ", note));
      }
    }
    bool is_result = out.has_result();
    if (!writer->Write(out) && !is_result) {
      directory_->Send(agent_id, CancelMessage(command_id));
      tracker_->Forget(command_id);
      return grpc::Status(grpc::StatusCode::CANCELLED, "client went away");
    }
    if (is_result) return grpc::Status::OK;
  }
}

grpc::Status AdminHandler::Ping(grpc::ServerContext* context, const dm::v1::PingRequest* request,
                                grpc::ServerWriter<dm::v1::PingReplies>* writer) {
  if (grpc::Status s = Authorize(context); !s.ok()) return s;
  std::vector<AgentView> targets;
  if (request->agents_size() == 0) {
    for (AgentView& view : directory_->List()) {
      if (view.connected) targets.push_back(std::move(view));
    }
  } else {
    for (const std::string& name : request->agents()) {
      absl::StatusOr<AgentView> view = directory_->Get(name);
      if (!view.ok()) return ToGrpcStatus(view.status());
      targets.push_back(std::move(*view));
    }
  }
  absl::Duration timeout =
      request->timeout_ms() > 0 ? absl::Milliseconds(request->timeout_ms()) : kDefaultPingTimeout;

  struct Pending {
    std::string agent_name;
    absl::Time sent;
  };
  std::unordered_map<std::string, Pending> pending;  // by command id
  auto sink = std::make_shared<CommandSink>();
  dm::v1::PingReplies unreachable;
  for (const AgentView& view : targets) {
    std::string command_id = CommandTracker::NewCommandId();
    tracker_->Register(command_id, view.record.id, sink);
    dm::v1::ControllerMessage message;
    message.mutable_command()->set_id(command_id);
    message.mutable_command()->mutable_noop();
    pending[command_id] = Pending{view.record.name, clock_->Now()};
    if (!view.connected || !directory_->Send(view.record.id, message)) {
      tracker_->Forget(command_id);
      pending.erase(command_id);
      dm::v1::PingReply* reply = unreachable.add_replies();
      reply->set_agent(view.record.name);
      reply->set_error("disconnected");
    }
  }
  if (unreachable.replies_size() > 0) writer->Write(unreachable);

  absl::Time deadline = clock_->Now() + timeout;
  while (!pending.empty() && clock_->Now() < deadline && !context->IsCancelled()) {
    std::optional<CommandEvent> event = sink->Pop(std::min(kPollInterval, deadline - clock_->Now()));
    dm::v1::PingReplies batch;
    // Drain whatever else has arrived, so that ten thousand answers go out in a few writes.
    for (; event; event = sink->Pop(absl::ZeroDuration())) {
      auto it = pending.find(event->command_id);
      if (it == pending.end() || !event->result) continue;
      dm::v1::PingReply* reply = batch.add_replies();
      reply->set_agent(it->second.agent_name);
      reply->set_round_trip_us(
          static_cast<uint64_t>(absl::ToInt64Microseconds(event->received - it->second.sent)));
      if (!event->result->error().empty()) reply->set_error(event->result->error());
      pending.erase(it);
    }
    if (batch.replies_size() > 0 && !writer->Write(batch)) break;
  }

  dm::v1::PingReplies late;
  for (const auto& [command_id, p] : pending) {
    tracker_->Forget(command_id);
    dm::v1::PingReply* reply = late.add_replies();
    reply->set_agent(p.agent_name);
    reply->set_error(absl::StrCat("no answer within ", absl::FormatDuration(timeout)));
  }
  if (late.replies_size() > 0) writer->Write(late);
  return grpc::Status::OK;
}

}  // namespace dm
