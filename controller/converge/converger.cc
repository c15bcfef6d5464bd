#include "controller/converge/converger.h"

#include <unordered_map>

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/run_report.h"
#include "common/status_macros.h"
#include "controller/store/record_protos.h"
#include "nlohmann/json.hpp"

namespace dm {
namespace {

// A converge that has not reported in this long is given up (the agent may still finish it).
constexpr absl::Duration kRunTimeout = absl::Hours(2);

// Fills the run's outcome from the agent's result.
void Finish(const dm::v1::CommandResult& result, absl::Time at, RunRecord* run) {
  run->finished = at;
  if (!result.report_json().empty()) {
    try {
      cookbook::RunReport report =
          cookbook::RunReport::FromJson(nlohmann::json::parse(result.report_json()));
      run->resources = static_cast<uint32_t>(report.resources.size());
      run->changed = static_cast<uint32_t>(report.Count(cookbook::ResourceStatus::kChanged));
      run->failed = static_cast<uint32_t>(report.Count(cookbook::ResourceStatus::kFailed));
      run->report_json = result.report_json();
      // A failed run says which resource failed and why, so that nobody has to open the report.
      for (const cookbook::ResourceReport& r : report.resources) {
        if (r.status == cookbook::ResourceStatus::kFailed) {
          run->message = absl::StrCat(r.id, ": ", r.message);
          break;
        }
      }
    } catch (const std::exception& e) {
      run->message = absl::StrCat("the agent's report could not be read: ", e.what());
    }
  }
  switch (result.exit_code()) {
    case 0:
      run->status = RunStatus::kConverged;
      break;
    case 1:
      run->status = RunStatus::kInvalid;
      break;
    case 2:
      run->status = RunStatus::kFailed;
      break;
    default:
      run->status = RunStatus::kError;
  }
  if (!result.error().empty()) run->message = result.error();
}

}  // namespace

absl::StatusOr<std::vector<ConvergeOutcome>> Converger::Run(
    const std::vector<ConvergeTarget>& targets, bool dry_run, const ConvergeEventFn& on_event,
    const std::string& fleet_deploy_dir) {
  const std::string& deploy_dir = fleet_deploy_dir.empty() ? deploy_dir_ : fleet_deploy_dir;
  if (deploy_dir.empty()) {
    return absl::FailedPreconditionError(
        "this controller has no cookbooks: start it with --deploy-dir DIR (a folder with "
        "cookbooks/ and roles/)");
  }
  for (const ConvergeTarget& target : targets) {
    if (!target.attributes_json.empty() &&
        !nlohmann::json::parse(target.attributes_json, nullptr, false).is_object()) {
      return absl::InvalidArgumentError("attributes must be a JSON object");
    }
  }
  DM_ASSIGN_OR_RETURN(std::shared_ptr<const Bundle> bundle, BuildBundle(deploy_dir));
  bundles_->Add(bundle);
  auto emit = [&](dm::v1::ConvergeEvent event) {
    if (on_event) on_event(event);
  };

  std::vector<ConvergeOutcome> outcomes(targets.size());
  auto sink = std::make_shared<CommandSink>();
  std::unordered_map<std::string, size_t> running;  // command id (= run id) -> index in outcomes
  auto refuse = [&](size_t i, const std::string& why) {
    outcomes[i].refused = why;
    dm::v1::ConvergeEvent event;
    event.set_agent(outcomes[i].agent);
    event.set_error(why);
    emit(std::move(event));
  };
  for (size_t i = 0; i < targets.size(); ++i) {
    const ConvergeTarget& target = targets[i];
    outcomes[i].agent = target.agent;
    absl::StatusOr<AgentView> view = directory_->Get(target.agent);
    if (!view.ok()) {
      refuse(i, std::string(view.status().message()));
      continue;
    }
    const std::string role = target.role.empty() ? view->record.role : target.role;
    if (role.empty()) {
      refuse(i, "has no role (it enrolled with a token without --role)");
      continue;
    }
    if (!bundle->HasRole(role)) {
      refuse(i, absl::StrCat("role '", role, "' is not in ", deploy_dir, "/roles/"));
      continue;
    }
    RunRecord& run = outcomes[i].run;
    run.id = CommandTracker::NewCommandId();
    run.agent_id = view->record.id;
    run.agent_name = view->record.name;
    run.role = role;
    run.status = RunStatus::kRunning;
    run.dry_run = dry_run;
    run.started = clock_->Now();
    run.bundle_hash = bundle->hash;

    dm::v1::ControllerMessage message;
    dm::v1::Command* command = message.mutable_command();
    command->set_id(run.id);
    dm::v1::ConvergeCommand* converge = command->mutable_converge();
    converge->set_bundle_hash(bundle->hash);
    for (const dm::v1::BundleFile& f : bundle->files) *converge->add_files() = f;
    converge->set_role(role);
    converge->set_attributes_json(target.attributes_json.empty() ? "{}" : target.attributes_json);
    converge->set_dry_run(dry_run);

    tracker_->Register(run.id, run.agent_id, sink, bundle->hash);
    if (!view->connected || !directory_->Send(run.agent_id, message)) {
      tracker_->Forget(run.id);
      run = RunRecord{};
      refuse(i, "is disconnected");
      continue;
    }
    if (absl::Status saved = store_->SaveRun(run); !saved.ok()) {
      LogError("could not store run {}: {}", run.id, std::string(saved.message()));
    }
    dm::v1::ConvergeEvent started;
    started.set_agent(run.agent_name);
    *started.mutable_started() = ToProto(run);
    emit(std::move(started));
    running.emplace(run.id, i);
  }

  absl::Time deadline = clock_->Now() + kRunTimeout;
  while (!running.empty() && clock_->Now() < deadline) {
    std::optional<CommandEvent> event = sink->Pop(CommandSink::kPollInterval);
    if (!event) continue;
    auto it = running.find(event->command_id);
    if (it == running.end()) continue;
    RunRecord& run = outcomes[it->second].run;
    dm::v1::ConvergeEvent out;
    out.set_agent(run.agent_name);
    if (event->progress) {
      *out.mutable_progress() = std::move(*event->progress);
    } else if (event->result) {
      Finish(*event->result, event->received, &run);
      if (absl::Status saved = store_->SaveRun(run); !saved.ok()) {
        LogError("could not store run {}: {}", run.id, std::string(saved.message()));
      }
      LogInfo("converge of {} ({}): {}", run.agent_name, run.role, RunStatusWord(run.status));
      RunRecord summary = run;
      summary.report_json.clear();
      *out.mutable_finished() = ToProto(summary);
      running.erase(it);
    } else {
      continue;
    }
    emit(std::move(out));
  }
  for (auto& [id, index] : running) {
    RunRecord& run = outcomes[index].run;
    tracker_->Forget(id);
    run.status = RunStatus::kError;
    run.finished = clock_->Now();
    run.message = absl::StrCat("no result within ", absl::FormatDuration(kRunTimeout));
    store_->SaveRun(run).IgnoreError();
  }
  return outcomes;
}

}  // namespace dm
