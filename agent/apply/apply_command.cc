#include "agent/apply/apply_command.h"

#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include <optional>

#include "absl/strings/str_cat.h"
#include "agent/cookbook/run_list.h"
#include "agent/cookbook/runner.h"
#include "common/cli/command_line.h"

namespace dm {
namespace {

struct ApplyFlags {
  std::string path;
  std::string role;
  std::vector<std::string> attrs;
  bool dry_run = false;
  bool json = false;
  bool verbose = false;
  std::string state_dir = "/var/lib/dm-agent";
};

}  // namespace

int RunApplyCommand(int argc, char** argv) {
  ApplyFlags flags;
  CommandLine cli(
      "Converge this host from cookbooks on disk, without a controller.\n"
      "Exit codes: 0 converged, 1 invalid input (nothing changed), 2 a resource failed.",
      "dm-agent apply");
  cli.flags()
      .Add("PATH", &flags.path,
           "A cookbook folder (with recipe.yaml), or a folder with roles/ and cookbooks/")
      .Required();
  cli.flags().Add("--role", &flags.role, "The role to apply, from PATH/roles/ROLE.yaml");
  cli.flags()
      .Add("--attr", &flags.attrs,
           "Host attribute KEY=VALUE (dotted keys; above role and cookbook values)")
      .TakeAll();
  cli.flags().Flag("--dry-run", &flags.dry_run,
                   "Change nothing; show what would change, with diffs");
  cli.flags().Flag("--json", &flags.json, "Print the run report as JSON");
  cli.flags().Flag("-v,--verbose", &flags.verbose,
                   "List every resource, not only those that changed or failed");
  cli.flags()
      .Add("--state-dir", &flags.state_dir,
           "The agent's state: backups of replaced files, supervised services")
      .ShowDefault();
  if (std::optional<int> exit_code = cli.Parse(argc, argv, kApplyInvalid)) return *exit_code;

  cookbook::LoadOptions load;
  load.path = flags.path;
  load.role = flags.role;
  load.host_attributes = Attributes::object();
  for (const std::string& kv : flags.attrs) {
    size_t eq = kv.find('=');
    absl::Status s =
        eq == std::string::npos
            ? absl::InvalidArgumentError(absl::StrCat("--attr ", kv, ": expected KEY=VALUE"))
            : SetAttribute(load.host_attributes, kv.substr(0, eq), kv.substr(eq + 1));
    if (!s.ok()) {
      std::fprintf(stderr, "dm-agent apply: %s\n", std::string(s.message()).c_str());
      return kApplyInvalid;
    }
  }
  absl::StatusOr<cookbook::RunList> run_list = cookbook::LoadRunList(load);
  if (!run_list.ok()) {
    std::fprintf(stderr, "dm-agent apply: invalid input, nothing was changed:\n%s\n",
                 std::string(run_list.status().message()).c_str());
    return kApplyInvalid;
  }

  cookbook::RunOptions options;
  options.dry_run = flags.dry_run;
  options.backup_dir = flags.state_dir.empty() ? "" : flags.state_dir + "/backup";
  options.state_dir = flags.state_dir;
  options.on_wait = [](const std::string& holder) {
    std::fprintf(stderr, "dm-agent apply: waiting for the converge already running (%s)\n",
                 holder.c_str());
  };
  // Live progress on a terminal: one line, rewritten.
  bool progress = !flags.json && ::isatty(STDERR_FILENO);
  if (progress) {
    options.on_resource = [](const cookbook::ResourceReport& r, size_t done, size_t total) {
      std::fprintf(stderr, "\r\033[K[%zu/%zu] %s %s", done, total,
                   cookbook::ResourceStatusWord(r.status), r.id.c_str());
    };
  }
  cookbook::RunReport report = cookbook::Converge(*run_list, options);
  if (progress) std::fprintf(stderr, "\r\033[K");
  if (flags.json) {
    std::printf("%s\n", report.ToJson().dump(2).c_str());
  } else {
    std::fputs(report.ToText(flags.verbose).c_str(), stdout);
  }
  return report.failed() ? kApplyFailed : kApplyConverged;
}

}  // namespace dm
