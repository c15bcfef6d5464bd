#include "agent/converge/converge_command.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "agent/converge/cached_bundles.h"
#include "agent/cookbook/run_list.h"
#include "agent/cookbook/runner.h"
#include "common/log.h"

namespace dm {
namespace {

dm::v1::ResourceStatus ResourceStatusProto(cookbook::ResourceStatus status) {
  switch (status) {
    case cookbook::ResourceStatus::kOk:
      return dm::v1::RESOURCE_OK;
    case cookbook::ResourceStatus::kChanged:
      return dm::v1::RESOURCE_CHANGED;
    case cookbook::ResourceStatus::kFailed:
      return dm::v1::RESOURCE_FAILED;
    case cookbook::ResourceStatus::kSkipped:
      return dm::v1::RESOURCE_SKIPPED;
  }
  return dm::v1::RESOURCE_STATUS_UNSPECIFIED;
}

constexpr absl::Duration kFetchTimeout = absl::Minutes(5);
// Blobs asked for but not arrived by then are asked for again (the stream may have dropped).
constexpr absl::Duration kFetchRetry = absl::Seconds(20);

// The controller refuses an agent message over 16 MiB (AgentStreamLimits). Diffs are cut at
// 64 KiB each, but a run of hundreds of large files could still pass 8 MiB: then the report
// goes without its diffs and outputs, saying so, rather than not at all.
constexpr size_t kMaxReportBytes = 8 << 20;

std::string ReportWithinLimit(nlohmann::json report) {
  std::string text = report.dump();
  if (text.size() <= kMaxReportBytes) return text;
  if (report.contains("resources") && report["resources"].is_array()) {
    for (nlohmann::json& resource : report["resources"]) {
      resource.erase("diff");
      resource.erase("output");
    }
  }
  report["note"] = "diffs and outputs left out: the report with them was " +
                   std::to_string(text.size()) + " bytes, over the " +
                   std::to_string(kMaxReportBytes) + " sent";
  return report.dump();
}

dm::v1::CommandResult Failure(const std::string& error) {
  dm::v1::CommandResult result;
  result.set_exit_code(-1);
  result.set_error(error);
  return result;
}

absl::Status FetchMissing(const std::string& command_id, const dm::v1::ConvergeCommand& command,
                          CachedBundles& cache, ConvergeChannel& channel,
                          const std::atomic<bool>& cancelled) {
  std::vector<std::string> missing = cache.Missing(command.files());
  std::set<std::string> wanted(missing.begin(), missing.end());
  LogInfo("command {}: {} of {} cookbook files to fetch", command_id, wanted.size(),
          command.files_size());
  absl::Time deadline = absl::Now() + kFetchTimeout;
  while (!wanted.empty()) {
    channel.request_blobs({wanted.begin(), wanted.end()});
    absl::Time retry = absl::Now() + kFetchRetry;
    while (!wanted.empty() && absl::Now() < retry) {
      if (cancelled) return absl::CancelledError("cancelled");
      if (absl::Now() > deadline) {
        return absl::DeadlineExceededError(absl::StrCat(wanted.size(),
                                                        " cookbook files did not arrive within ",
                                                        absl::FormatDuration(kFetchTimeout)));
      }
      std::optional<dm::v1::Blobs> blobs = channel.next_blobs(absl::Milliseconds(200));
      if (!blobs) continue;
      for (const dm::v1::Blob& b : blobs->blobs()) {
        if (wanted.count(b.sha256()) == 0) continue;
        if (absl::Status s = cache.Put(b.sha256(), b.data()); !s.ok()) return s;
        wanted.erase(b.sha256());
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace

dm::v1::CommandResult RunConvergeCommand(const std::string& command_id,
                                         const dm::v1::ConvergeCommand& command,
                                         const std::string& state_dir, ConvergeChannel& channel,
                                         const std::atomic<bool>& cancelled) {
  absl::Time start = absl::Now();
  CachedBundles cache(state_dir);
  if (absl::Status s = FetchMissing(command_id, command, cache, channel, cancelled); !s.ok()) {
    return Failure(absl::StrCat("fetching the cookbooks: ", s.message()));
  }
  absl::StatusOr<std::string> dir = cache.Materialize(command.bundle_hash(), command.files());
  if (!dir.ok()) return Failure(std::string(dir.status().message()));

  cookbook::LoadOptions load;
  load.path = *dir;
  load.role = command.role();
  try {
    load.fleet_attributes =
        nlohmann::json::parse(command.attributes_json().empty() ? "{}" : command.attributes_json());
  } catch (const std::exception& e) {
    return Failure(absl::StrCat("fleet attributes: ", e.what()));
  }
  dm::v1::CommandResult result;
  absl::StatusOr<cookbook::RunList> run_list = cookbook::LoadRunList(load);
  if (!run_list.ok()) {
    result.set_exit_code(1);
    // Positions name the agent's cache folder; the operator knows the files by their paths
    // in the deploy folder.
    std::string message(run_list.status().message());
    for (size_t at; (at = message.find(*dir + "/")) != std::string::npos;)
      message.erase(at, dir->size() + 1);
    result.set_error(absl::StrCat("invalid cookbooks, nothing was changed:\n", message));
    result.set_duration_ms(static_cast<uint64_t>(absl::ToInt64Milliseconds(absl::Now() - start)));
    return result;
  }

  if (!channel.converge) {
    result.set_exit_code(0);
    result.set_error("loaded only: this agent converges nothing");
    return result;
  }

  cookbook::RunOptions options;
  options.dry_run = command.dry_run();
  options.state_dir = state_dir;
  options.backup_dir = state_dir + "/backup";
  options.cancelled = &cancelled;
  options.on_wait = [&](const std::string& holder) {
    LogInfo("command {}: waiting for the converge already running on this host ({})", command_id,
            holder);
  };
  // Progress at most five times a second (and every failure): a 600-resource run on a thousand
  // hosts must not become 600,000 messages.
  absl::Time last_progress = absl::InfinitePast();
  options.on_resource = [&](const cookbook::ResourceReport& r, size_t done, size_t total) {
    absl::Time now = absl::Now();
    const bool failed = r.status == cookbook::ResourceStatus::kFailed;
    if (now - last_progress < absl::Milliseconds(200) && !failed && done != total) return;
    last_progress = now;
    dm::v1::ConvergeProgress p;
    p.set_command_id(command_id);
    p.set_done(static_cast<uint32_t>(done));
    p.set_total(static_cast<uint32_t>(total));
    p.set_resource(r.id);
    p.set_status(ResourceStatusProto(r.status));
    channel.progress(std::move(p));
  };
  cookbook::RunReport report = cookbook::Converge(*run_list, options);
  // Checks come with the role, whatever the run did: a failed run shows in them.
  if (!command.dry_run() && channel.health_checks) channel.health_checks(run_list->health);
  result.set_exit_code(report.failed() ? 2 : 0);
  result.set_report_json(ReportWithinLimit(report.ToJson()));
  result.set_duration_ms(static_cast<uint64_t>(absl::ToInt64Milliseconds(absl::Now() - start)));
  return result;
}

}  // namespace dm
