// Admin RPCs that send commands to agents over their streams: exec (one agent, output streamed
// back) and ping (a no-op fanned out to many, round trips streamed back).
#include <unordered_map>

#include "absl/strings/str_cat.h"
#include "common/grpc_status.h"
#include "common/log.h"
#include "controller/commands/remote_exec.h"
#include "controller/rpc/admin_handler.h"

namespace dm {
namespace {

constexpr absl::Duration kDefaultPingTimeout = absl::Seconds(10);

}  // namespace

grpc::Status AdminHandler::Exec(grpc::ServerContext* context, const dm::v1::ExecRequest* request,
                                grpc::ServerWriter<dm::v1::ExecEvent>* writer) {
  if (grpc::Status s = Authorize(context); !s.ok()) return s;
  Audit("command.exec", request->agent(),
        request->command().argv_size() ? request->command().argv(0) : "");
  absl::StatusOr<dm::v1::CommandResult> result = RunOnAgent(
      directory_, tracker_, request->agent(), request->command(),
      [&](const dm::v1::CommandOutput& output) {
        dm::v1::ExecEvent out;
        *out.mutable_output() = output;
        return writer->Write(out);
      },
      // dmctl went away (Ctrl-C): the program stops.
      [&] { return context->IsCancelled(); });
  if (!result.ok()) return ToGrpcStatus(result.status());
  dm::v1::ExecEvent out;
  *out.mutable_result() = std::move(*result);
  writer->Write(out);
  return grpc::Status::OK;
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
    std::optional<CommandEvent> event =
        sink->Pop(std::min(CommandSink::kPollInterval, deadline - clock_->Now()));
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
