// execute: run a command. Not idempotent by itself: give it a guard (creates, only_if, not_if,
// available on every resource) or action `nothing` and a notification that runs it.
//
//   - execute: migrate database
//     command: ["/srv/app/venv/bin/python", "manage.py", "migrate"]   # a list: no shell
//     cwd: /srv/app
//     user: app
//     env: {DJANGO_SETTINGS_MODULE: site.settings}
//     timeout: 300
//     creates: /srv/app/.migrated
//
// A string command runs with /bin/sh -c. The run fails unless the exit code is in `returns`
// (default 0).
#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "agent/cookbook/resources/resource_types.h"
#include "common/process.h"

namespace dm::cookbook {
namespace {

class ExecuteResource : public Resource {
 public:
  ExecuteResource(ResourceHeader header, ProcessSpec spec, std::set<int> returns)
      : Resource(std::move(header)), spec_(std::move(spec)), returns_(std::move(returns)) {}

  absl::StatusOr<Outcome> Perform(const std::string&, RunContext& context) override {
    Outcome out = Outcome::Changed({absl::StrCat("ran ", Describe())});
    if (context.dry_run) {
      out.changes = {absl::StrCat("would run ", Describe())};
      return out;
    }
    absl::StatusOr<ProcessResult> result = RunProcess(spec_);
    if (!result.ok()) return result.status();
    if (!header_.sensitive) out.output = result->output;
    if (result->timed_out || result->signal != 0 || returns_.count(result->exit_code) == 0) {
      std::string tail = header_.sensitive
                             ? ""
                             : result->output.substr(
                                   result->output.size() > 2000 ? result->output.size() - 2000 : 0);
      return absl::AbortedError(
          absl::StrCat(Describe(), ": ", result->Describe(), tail.empty() ? "" : "\n", tail));
    }
    return out;
  }

 private:
  std::string Describe() const {
    if (header_.sensitive) return "(sensitive command)";
    if (spec_.argv.size() == 3 && spec_.argv[0] == "/bin/sh" && spec_.argv[1] == "-c")
      return spec_.argv[2];
    return absl::StrJoin(spec_.argv, " ");
  }

  ProcessSpec spec_;
  std::set<int> returns_;
};

std::unique_ptr<Resource> Parse(ResourceHeader header, FieldReader& fields, const CookbookFiles&) {
  ProcessSpec spec;
  const yaml::Node* command = fields.Raw("command");
  if (command == nullptr || command->IsNull()) {
    // Like Chef: without a command, the resource's name is the shell command.
    spec.argv = ShellCommand(header.name);
  } else if (command->IsScalar() && !fields.NamesAList(*command)) {
    spec.argv = ShellCommand(fields.String("command").value_or(""));
  } else {
    spec.argv = fields.StringList("command");
    if (spec.argv.empty()) fields.Error("command", "must not be empty");
  }
  spec.cwd = fields.String("cwd").value_or("");
  spec.user = fields.String("user").value_or("");
  spec.group = fields.String("group").value_or("");
  spec.env = fields.StringMap("env");
  spec.timeout = fields.Seconds("timeout").value_or(absl::Hours(1));
  std::set<int> returns;
  for (const std::string& r : fields.StringList("returns")) {
    int code = 0;
    if (!absl::SimpleAtoi(r, &code) || code < 0 || code > 255) {
      fields.Error("returns", absl::StrCat("'", r, "' is not an exit code (0-255)"));
    }
    returns.insert(code);
  }
  if (returns.empty()) returns.insert(0);
  return std::make_unique<ExecuteResource>(std::move(header), std::move(spec), std::move(returns));
}

}  // namespace

ResourceType ExecuteType() { return {"execute", {"run"}, &Parse}; }

}  // namespace dm::cookbook
