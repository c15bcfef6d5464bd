// A resource: one piece of desired state ("this file with this content", "this package
// installed") that knows how to check the host and, if it differs, change it.
//
// Every resource is idempotent: Perform checks first and changes only what differs, so a second
// run reports nothing changed. In a dry run it only checks and describes what it would change.
#ifndef DM_AGENT_COOKBOOK_RESOURCE_H_
#define DM_AGENT_COOKBOOK_RESOURCE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/yaml/yaml_tree.h"

namespace dm::cookbook {

class StagedWrites;

// What a resource did (or, in a dry run, would do).
struct Outcome {
  bool changed = false;
  bool skipped = false;              // a guard said no, or the action is `nothing`
  std::vector<std::string> changes;  // "created", "mode 0600 -> 0644", "content", ...
  std::string diff;                  // unified diff of content changes (not for sensitive ones)
  std::string output;                // what a command printed, for the report (capped)

  static Outcome Unchanged() { return Outcome{}; }
  static Outcome Changed(std::vector<std::string> what) {
    Outcome o;
    o.changed = true;
    o.changes = std::move(what);
    return o;
  }
};

struct RunContext {
  bool dry_run = false;
  // Where replaced file versions are kept (empty: no backups).
  std::string backup_dir;
  // File contents are written through this so that many small files cost one sync, not one each.
  StagedWrites* writes = nullptr;
  // The agent's state folder (supervised services live under services/) and the dm-agent
  // binary that runs their supervisors.
  std::string state_dir;
  std::string agent_binary;
};

// A notification: when this resource changes, run `action` on the resource `target`
// ("service[nginx]"), at the end of the run or, when `immediately`, right after this one.
struct Notification {
  std::string action;
  std::string target;
  bool immediately = false;
  yaml::Mark mark;
};

// Runs a command to decide whether the resource applies (execute's only_if/not_if and the
// same fields on every resource): a string is run by /bin/sh -c, a list is an argv.
struct Guard {
  std::vector<std::string> argv;
};

// What every resource has besides its own fields.
struct ResourceHeader {
  std::string type;  // "file"
  std::string name;  // "/etc/motd"
  // The name as the recipe wrote it, before attributes were filled in: what reports show of a
  // sensitive resource, whose name may hold a secret.
  std::string written_name;
  // What this run does with it, in order (`action: [enable, start]`); ["nothing"] waits for a
  // notification.
  std::vector<std::string> actions;
  yaml::Mark mark;  // where it is declared
  bool ignore_failure = false;
  bool sensitive = false;  // never show its content (no diffs, no output)
  std::vector<Notification> notifies;
  std::vector<Guard> only_if, not_if;
  std::string creates;  // skip when this path exists

  // "file[/etc/motd]": how recipes and reports name it.
  std::string id() const { return type + "[" + name + "]"; }
  // What reports call it.
  std::string display_name() const { return sensitive ? written_name : name; }
  std::string display_id() const { return type + "[" + display_name() + "]"; }
  bool waits_for_notification() const { return actions.size() == 1 && actions[0] == "nothing"; }
};

class Resource {
 public:
  explicit Resource(ResourceHeader header) : header_(std::move(header)) {}
  virtual ~Resource() = default;
  Resource(const Resource&) = delete;
  Resource& operator=(const Resource&) = delete;

  const ResourceHeader& header() const { return header_; }
  std::string id() const { return header_.id(); }

  // Brings the host to the state that `action` describes (or, in a dry run, says what that
  // would change). An error means the host could not be brought there; what was changed
  // before the failure is in the message.
  virtual absl::StatusOr<Outcome> Perform(const std::string& action, RunContext& context) = 0;

  // True when Perform only writes files through RunContext::writes and reads nothing that an
  // earlier staged write could have changed: the runner can then batch it with its neighbours.
  virtual bool OnlyStagesWrites() const { return false; }
  // The file whose current content Perform reads, if any: writes staged to it earlier must be
  // committed first.
  virtual std::optional<std::string> ReadsPath() const { return std::nullopt; }

 protected:
  ResourceHeader header_;
};

}  // namespace dm::cookbook

#endif  // DM_AGENT_COOKBOOK_RESOURCE_H_
