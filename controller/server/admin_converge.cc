// Admin RPC that converges agents: builds the cookbook bundle from the deploy folder, sends
// each target a converge command for its role over its stream, and streams their progress and
// results back while storing every run.
//
// A run keeps going when dmctl goes away (Ctrl-C, a dropped connection): stopping a converge
// half-way helps nobody, so this handler stays until every run has reported, and stores it.
#include <unordered_map>

#include "absl/strings/str_cat.h"
#include "common/grpc_status.h"
#include "common/run_report.h"
#include "controller/server/admin_handler.h"
#include "controller/server/proto_convert.h"
#include "spdlog/spdlog.h"

namespace dm {
namespace {

constexpr absl::Duration kPollInterval = absl::Milliseconds(100);
// A converge that has not reported in this long is given up (the agent may still finish it).
constexpr absl::Duration kRunTimeout = absl::Hours(2);

// Fills the run's outcome from the agent's result.
void Finish(const dm::v1::CommandResult& result, absl::Time at, RunRecord* run) {
  run->finished = at;
  if (!result.report_json().empty()) {
    try {
      cookbook::RunReport report = cookbook::RunReport::FromJson(nlohmann::json::parse(result.report_json()));
      run->resources = static_cast<uint32_t>(report.resources.size());
      run->changed = static_cast<uint32_t>(report.Count("changed"));
      run->failed = static_cast<uint32_t>(report.Count("failed"));
      run->report_json = result.report_json();
    } catch (const std::exception& e) {
      run->message = absl::StrCat("the agent's report could not be read: ", e.what());
    }
  }
  switch (result.exit_code()) {
    case 0: run->status = "converged"; break;
    case 1: run->status = "invalid"; break;
    case 2: run->status = "failed"; break;
    default: run->status = "error";
  }
  if (!result.error().empty()) run->message = result.error();
}

}  // namespace

grpc::Status AdminHandler::Converge(grpc::ServerContext* context, const dm::v1::ConvergeRequest* request,
                                    grpc::ServerWriter<dm::v1::ConvergeEvent>* writer) {
  if (grpc::Status s = Authorize(context); !s.ok()) return s;
  int ways = (request->agents_size() > 0) + !request->role().empty() + request->all();
  if (ways != 1) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "name agents, or a role, or all (exactly one)");
  }
  if (deploy_dir_.empty()) {
    return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                        "this controller has no cookbooks: start it with --deploy-dir DIR (a folder with "
                        "cookbooks/ and roles/)");
  }
  std::vector<AgentView> targets;
  if (request->agents_size() > 0) {
    for (const std::string& name : request->agents()) {
      absl::StatusOr<AgentView> view = directory_->Get(name);
      if (!view.ok()) return ToGrpcStatus(view.status());
      targets.push_back(std::move(*view));
    }
  } else {
    for (AgentView& view : directory_->List()) {
      if (request->all() || view.record.role == request->role()) targets.push_back(std::move(view));
    }
    if (targets.empty()) {
      return grpc::Status(grpc::StatusCode::NOT_FOUND,
                          request->all() ? "no agents are enrolled" : absl::StrCat("no agent has role '", request->role(), "'"));
    }
  }
  std::string attributes = request->attributes_json().empty() ? "{}" : request->attributes_json();
  if (!nlohmann::json::parse(attributes, nullptr, false).is_object()) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "attributes must be a JSON object");
  }
  absl::StatusOr<std::shared_ptr<const Bundle>> bundle = BuildBundle(deploy_dir_);
  if (!bundle.ok()) return ToGrpcStatus(bundle.status());
  bundles_->Add(*bundle);

  auto sink = std::make_shared<CommandSink>();
  std::unordered_map<std::string, RunRecord> running;  // by command id (= run id)
  auto refuse = [&](const std::string& agent, const std::string& why) {
    dm::v1::ConvergeEvent event;
    event.set_agent(agent);
    event.set_error(why);
    writer->Write(event);
  };
  for (const AgentView& view : targets) {
    const std::string& role = view.record.role;
    if (role.empty()) {
      refuse(view.record.name, "has no role (it enrolled with a token without --role)");
      continue;
    }
    if (!(*bundle)->HasRole(role)) {
      refuse(view.record.name, absl::StrCat("role '", role, "' is not in ", deploy_dir_, "/roles/"));
      continue;
    }
    RunRecord run;
    run.id = CommandTracker::NewCommandId();
    run.agent_id = view.record.id;
    run.agent_name = view.record.name;
    run.role = role;
    run.status = "running";
    run.dry_run = request->dry_run();
    run.started = clock_->Now();
    run.bundle_hash = (*bundle)->hash;

    dm::v1::ControllerMessage message;
    dm::v1::Command* command = message.mutable_command();
    command->set_id(run.id);
    dm::v1::ConvergeCommand* converge = command->mutable_converge();
    converge->set_bundle_hash((*bundle)->hash);
    for (const dm::v1::BundleFile& f : (*bundle)->files) *converge->add_files() = f;
    converge->set_role(role);
    converge->set_attributes_json(attributes);
    converge->set_dry_run(request->dry_run());

    tracker_->Register(run.id, run.agent_id, sink, (*bundle)->hash);
    if (!view.connected || !directory_->Send(run.agent_id, message)) {
      tracker_->Forget(run.id);
      refuse(view.record.name, "is disconnected");
      continue;
    }
    if (absl::Status saved = store_->SaveRun(run); !saved.ok()) {
      spdlog::error("could not store run {}: {}", run.id, std::string(saved.message()));
    }
    dm::v1::ConvergeEvent started;
    started.set_agent(run.agent_name);
    *started.mutable_started() = ToProto(run);
    writer->Write(started);
    running.emplace(run.id, std::move(run));
  }
  Audit("converge", request->all() ? "all" : request->role().empty() ? "agents" : request->role(),
        absl::StrCat(request->dry_run() ? "dry run on " : "", running.size(), " agents, bundle ",
                     (*bundle)->hash.substr(0, 12)));

  bool client_gone = false;
  absl::Time deadline = clock_->Now() + kRunTimeout;
  while (!running.empty() && clock_->Now() < deadline) {
    client_gone = client_gone || context->IsCancelled();
    std::optional<CommandEvent> event = sink->Pop(kPollInterval);
    if (!event) continue;
    auto it = running.find(event->command_id);
    if (it == running.end()) continue;
    dm::v1::ConvergeEvent out;
    out.set_agent(it->second.agent_name);
    if (event->progress) {
      *out.mutable_progress() = std::move(*event->progress);
    } else if (event->result) {
      Finish(*event->result, event->received, &it->second);
      if (absl::Status saved = store_->SaveRun(it->second); !saved.ok()) {
        spdlog::error("could not store run {}: {}", it->first, std::string(saved.message()));
      }
      spdlog::info("converge of {} ({}): {}", it->second.agent_name, it->second.role, it->second.status);
      RunRecord summary = it->second;
      summary.report_json.clear();
      *out.mutable_finished() = ToProto(summary);
      running.erase(it);
    } else {
      continue;
    }
    if (!client_gone) client_gone = !writer->Write(out);
  }
  for (auto& [id, run] : running) {
    tracker_->Forget(id);
    run.status = "error";
    run.finished = clock_->Now();
    run.message = absl::StrCat("no result within ", absl::FormatDuration(kRunTimeout));
    store_->SaveRun(run).IgnoreError();
  }
  return grpc::Status::OK;
}

}  // namespace dm
