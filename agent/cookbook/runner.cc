#include "agent/cookbook/runner.h"

#include <sys/stat.h>

#include <map>
#include <optional>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "agent/cookbook/converge_lock.h"
#include "agent/cookbook/staged_writes.h"
#include "common/process.h"

namespace dm::cookbook {
namespace {

class Runner {
 public:
  Runner(const RunList& run_list, const RunOptions& options)
      : run_list_(run_list), options_(options) {
    context_.dry_run = options.dry_run;
    context_.backup_dir = options.backup_dir;
    context_.writes = &writes_;
    context_.state_dir = options.state_dir;
    context_.agent_binary = options.agent_binary;
  }

  RunReport Run() {
    absl::Time start = absl::Now();
    report_.dry_run = options_.dry_run;
    report_.cookbooks = run_list_.cookbooks;
    std::optional<ConvergeLock> lock;
    if (!options_.state_dir.empty()) {
      absl::StatusOr<ConvergeLock> taken = ConvergeLock::Acquire(
          options_.state_dir, !options_.dry_run, options_.cancelled, options_.on_wait);
      if (!taken.ok()) return NothingRun(std::string(taken.status().message()), start);
      lock.emplace(*std::move(taken));
    }
    for (const auto& resource : run_list_.resources) {
      if (!failed_ && options_.cancelled && *options_.cancelled) {
        failed_ = true;
        Skip(*resource, resource->header().actions, "not run: the run was cancelled");
        report_.resources.back().status = ResourceStatus::kFailed;
        continue;
      }
      if (failed_) {
        Skip(*resource, resource->header().actions, "not run: an earlier resource failed");
        continue;
      }
      if (resource->header().waits_for_notification()) {
        Skip(*resource, {"nothing"}, "waits for a notification");
        continue;
      }
      Apply(*resource, resource->header().actions, "");
    }
    Commit();
    if (!failed_) RunDelayedNotifications();
    report_.duration_ms = absl::ToDoubleMilliseconds(absl::Now() - start);
    return std::move(report_);
  }

 private:
  // The report of a run that could not start: the first resource failed with `why`, the rest
  // skipped. Nothing was changed.
  RunReport NothingRun(const std::string& why, absl::Time start) {
    for (const auto& resource : run_list_.resources) {
      ResourceReport entry = Entry(resource->header(), resource->header().actions);
      entry.status = failed_ ? ResourceStatus::kSkipped : ResourceStatus::kFailed;
      entry.message = failed_ ? "not run: the run could not start" : "not run: " + why;
      Record(std::move(entry));
      failed_ = true;
    }
    report_.duration_ms = absl::ToDoubleMilliseconds(absl::Now() - start);
    return std::move(report_);
  }

  void Apply(Resource& resource, const std::vector<std::string>& actions,
             const std::string& notified_by) {
    const ResourceHeader& h = resource.header();
    // Anything but a plain staged write may depend on files written before it: put them in place.
    std::optional<std::string> reads = resource.ReadsPath();
    if (!resource.OnlyStagesWrites() || (reads && writes_.Pending(*reads))) {
      if (!Commit()) {
        Skip(resource, actions, "not run: an earlier resource failed");
        return;
      }
    }
    ResourceReport entry = Entry(h, actions);
    entry.notified_by = notified_by;
    absl::Time start = absl::Now();
    std::string skip_reason = GuardSays(h);
    if (!skip_reason.empty()) {
      entry.status = ResourceStatus::kSkipped;
      entry.message = skip_reason;
    } else {
      for (const std::string& action : actions) {
        absl::StatusOr<Outcome> outcome = resource.Perform(action, context_);
        if (!outcome.ok()) {
          entry.status = ResourceStatus::kFailed;
          entry.message = std::string(outcome.status().message());
          if (!h.ignore_failure)
            failed_ = true;
          else
            entry.message += " (ignored: ignore_failure)";
          break;
        }
        if (outcome->changed) entry.status = ResourceStatus::kChanged;
        entry.changes.insert(entry.changes.end(), outcome->changes.begin(), outcome->changes.end());
        entry.diff += outcome->diff;
        entry.output += outcome->output;
      }
      if (reads && writes_.Pending(*reads)) staged_entries_[*reads] = report_.resources.size();
    }
    entry.duration_ms = absl::ToDoubleMilliseconds(absl::Now() - start);
    bool changed = entry.status == ResourceStatus::kChanged;
    Record(std::move(entry));
    if (changed) Notify(resource);
  }

  // The report of a resource about to run `actions`: ok until it says otherwise.
  static ResourceReport Entry(const ResourceHeader& h, const std::vector<std::string>& actions) {
    ResourceReport entry;
    entry.id = h.display_id();
    entry.type = h.type;
    entry.name = h.display_name();
    entry.action = absl::StrJoin(actions, ",");
    entry.status = ResourceStatus::kOk;
    return entry;
  }

  // Why a guard skips the resource, or "".
  std::string GuardSays(const ResourceHeader& h) {
    if (!h.creates.empty()) {
      struct stat st {};
      if (::stat(h.creates.c_str(), &st) == 0)
        return absl::StrCat("creates: ", h.creates, " exists");
    }
    for (const Guard& g : h.only_if) {
      absl::StatusOr<ProcessResult> r = RunGuard(g);
      if (!r.ok() || !r->ok()) return absl::StrCat("only_if: ", Describe(g), " failed");
    }
    for (const Guard& g : h.not_if) {
      absl::StatusOr<ProcessResult> r = RunGuard(g);
      if (r.ok() && r->ok()) return absl::StrCat("not_if: ", Describe(g), " succeeded");
    }
    return "";
  }

  static absl::StatusOr<ProcessResult> RunGuard(const Guard& g) {
    ProcessSpec spec;
    spec.argv = g.argv;
    spec.timeout = absl::Minutes(5);
    return RunProcess(spec);
  }

  static std::string Describe(const Guard& g) {
    return g.argv.size() == 3 && g.argv[0] == "/bin/sh" ? g.argv[2] : absl::StrJoin(g.argv, " ");
  }

  void Notify(const Resource& source) {
    for (const Notification& n : source.header().notifies) {
      Resource* target = run_list_.Find(n.target);
      if (target == nullptr) continue;  // validated at load; cannot happen
      if (n.immediately) {
        if (!failed_) Apply(*target, {n.action}, source.header().display_id());
      } else if (queued_.insert({n.target, n.action}).second) {
        delayed_.push_back({target, n.action, source.header().display_id()});
      }
    }
  }

  void RunDelayedNotifications() {
    // A delayed action may queue more (a restart that notifies); run until none are left.
    for (size_t i = 0; i < delayed_.size() && !failed_; ++i) {
      Delayed d = delayed_[i];
      Apply(*d.target, {d.action}, d.notified_by);
    }
    Commit();
  }

  // Puts staged files in place; a file that cannot be moved fails its resource and the run.
  bool Commit() {
    if (writes_.empty()) return !failed_;
    for (const auto& [path, status] : writes_.Commit()) {
      auto it = staged_entries_.find(path);
      if (it != staged_entries_.end()) {
        ResourceReport& entry = report_.resources[it->second];
        entry.status = ResourceStatus::kFailed;
        entry.message = std::string(status.message());
      }
      failed_ = true;
    }
    staged_entries_.clear();
    return !failed_;
  }

  void Skip(const Resource& resource, const std::vector<std::string>& actions,
            const std::string& why) {
    ResourceReport entry = Entry(resource.header(), actions);
    entry.status = ResourceStatus::kSkipped;
    entry.message = why;
    Record(std::move(entry));
  }

  void Record(ResourceReport entry) {
    report_.resources.push_back(std::move(entry));
    if (options_.on_resource)
      options_.on_resource(report_.resources.back(), report_.resources.size(),
                           run_list_.resources.size());
  }

  struct Delayed {
    Resource* target;
    std::string action, notified_by;
  };

  const RunList& run_list_;
  const RunOptions& options_;
  RunContext context_;
  StagedWrites writes_;
  RunReport report_;
  bool failed_ = false;
  std::map<std::string, size_t> staged_entries_;  // staged path -> its report entry
  std::set<std::pair<std::string, std::string>> queued_;
  std::vector<Delayed> delayed_;
};

}  // namespace

RunReport Converge(const RunList& run_list, const RunOptions& options) {
  return Runner(run_list, options).Run();
}

}  // namespace dm::cookbook
