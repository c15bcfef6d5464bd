#include "controller/health/live_heal_world.h"

#include "absl/strings/str_cat.h"
#include "controller/commands/remote_exec.h"
#include "controller/fleet/model/fleet_file.h"

namespace dm {
namespace {

std::vector<HealStep> Ladder(const std::vector<std::string>& words) {
  std::vector<HealStep> ladder;
  for (const std::string& w : words) {
    if (w == "restart") ladder.push_back(HealStep::kRestart);
    if (w == "reconverge") ladder.push_back(HealStep::kReconverge);
    if (w == "replace") ladder.push_back(HealStep::kReplace);
  }
  return ladder;
}

// A unit name as a check reports it: no option, no path, nothing systemctl would read otherwise.
bool IsUnitName(const std::string& unit) {
  if (unit.empty() || unit.front() == '-' || unit.size() > 256) return false;
  for (char c : unit) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '@' || c == '.' || c == '_' ||
          c == '-' || c == ':' || c == '\\')) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::vector<HostHealthState> LiveHealWorld::Hosts() { return parts_.board->Hosts(); }

FleetHealPolicy LiveHealWorld::Policy(const std::string& fleet) {
  FleetHealPolicy policy;
  absl::StatusOr<FleetRecord> record = parts_.store->GetFleet(fleet);
  if (!record.ok()) return policy;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto cached = cache_.find(fleet);
    if (cached != cache_.end() && cached->second.first == record->file_text) {
      policy = cached->second.second;
    } else {
      std::string deploy_dir = parts_.deploy_dir;
      if (!record->deploy_tree.empty() && parts_.trees != nullptr) {
        absl::StatusOr<std::string> tree = parts_.trees->PathOf(record->deploy_tree);
        if (!tree.ok()) return policy;  // its roles are gone: nothing is healed blindly
        deploy_dir = *tree;
      }
      absl::StatusOr<FleetFile> file =
          ParseFleetFile(record->file_text, record->file_path, deploy_dir);
      if (!file.ok()) return policy;  // roles changed under it: nothing is healed blindly
      policy.exists = true;
      policy.restore_database = file->heal.restore_database;
      policy.watch = file->deploy.watch;
      for (const FleetRole& role : file->roles) {
        RoleHealPolicy r;
        r.ladder = Ladder(role.remediation);
        r.app = role.Provides(Service::kApp);
        r.database = role.Provides(Service::kDatabase);
        policy.roles[role.role] = r;
      }
      cache_[fleet] = {record->file_text, policy};
    }
  }
  policy.healing = record->healing;
  policy.maintenance = record->maintenance;
  policy.busy = parts_.fleets->locks()->IsHeld(fleet);
  policy.commit = record->commit;
  policy.healthy_commit = record->healthy_commit;
  policy.deployed_at = record->deployed_at;
  return policy;
}

absl::Status LiveHealWorld::Restart(const std::string& host, const std::string& unit) {
  // The unit comes from the agent's report: only a plain unit name reaches systemctl.
  if (!IsUnitName(unit))
    return absl::InvalidArgumentError(absl::StrCat("'", unit, "' is not a unit"));
  dm::v1::ExecCommand command;
  command.add_argv("systemctl");
  command.add_argv("restart");
  command.add_argv("--");
  command.add_argv(unit);
  command.set_timeout_ms(90000);
  std::string output;
  absl::StatusOr<dm::v1::CommandResult> result = RunOnAgent(
      parts_.directory, parts_.tracker, host, command, [&](const dm::v1::CommandOutput& o) {
        if (output.size() < 4096) output += o.data();
        return true;
      });
  if (!result.ok()) return result.status();
  if (result->exit_code() != 0) {
    return absl::AbortedError(absl::StrCat("systemctl restart ", unit, " exited ",
                                           result->exit_code(), ": ", output, result->error()));
  }
  return absl::OkStatus();
}

absl::Status LiveHealWorld::Reconverge(const std::string& fleet, const std::string& host) {
  return parts_.fleets->HealReconverge(fleet, host);
}

absl::StatusOr<std::string> LiveHealWorld::Replace(const std::string& fleet,
                                                   const std::string& host) {
  std::string note;
  absl::Status done = parts_.fleets->HealReplace(fleet, host, &note);
  if (!done.ok()) return done;
  return note;
}

absl::Status LiveHealWorld::Rollback(const std::string& fleet, const std::string& commit,
                                     const std::string& cause) {
  return parts_.fleets->HealRollback(fleet, commit, cause);
}

absl::Status LiveHealWorld::SetOutOfService(const std::string& fleet,
                                            const std::set<std::string>& out) {
  return parts_.fleets->HealOutOfService(fleet, out);
}

}  // namespace dm
