// service: a long-running service, through systemd where the host runs it, else through
// dm-agent's own supervisor (agent/supervise/), which really runs the `command`, restarts it
// when it dies and starts enabled services again when the agent starts.
//
//   - service: app
//     unit: app.service              # systemd unit (default: NAME)
//     command: ["/srv/app/venv/bin/gunicorn", "site.wsgi"]   # how to run it without systemd
//     user: app
//     cwd: /srv/app
//     env: {PORT: "8000"}
//     action: [enable, start]        # default; also stop, restart, reload, disable
//
// start/stop/enable/disable change only what differs; restart and reload always act (use
// them from notifications). A changed `command` restarts a supervised service on `start`.
#include <signal.h>
#include <unistd.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "agent/cookbook/resources/resource_types.h"
#include "agent/supervise/supervised_service.h"
#include "common/files.h"
#include "common/process.h"
#include "common/status_macros.h"

namespace dm::cookbook {
namespace {

bool HostRunsSystemd() { return PathExists("/run/systemd/system"); }

class ServiceResource : public Resource {
 public:
  ServiceResource(ResourceHeader header, std::string unit, ServiceSpec spec)
      : Resource(std::move(header)), unit_(std::move(unit)), spec_(std::move(spec)) {}

  absl::StatusOr<Outcome> Perform(const std::string& action, RunContext& context) override {
    if (HostRunsSystemd()) return Systemd(action, context);
    if (spec_.argv.empty()) {
      return absl::FailedPreconditionError(
          "this host does not run systemd, and the service has no `command` for dm-agent's "
          "supervisor");
    }
    return Supervised(action, context);
  }

 private:
  absl::StatusOr<Outcome> Systemd(const std::string& action, RunContext& context) {
    auto systemctl = [](std::vector<std::string> args) -> absl::StatusOr<ProcessResult> {
      ProcessSpec spec;
      spec.argv = {"systemctl"};
      spec.argv.insert(spec.argv.end(), args.begin(), args.end());
      spec.timeout = absl::Minutes(5);
      return RunProcess(spec);
    };
    auto act = [&](const std::string& verb, const std::string& change) -> absl::StatusOr<Outcome> {
      Outcome out = Outcome::Changed({change});
      if (context.dry_run) return out;
      // A unit file written earlier in the run must be read before systemd acts on it.
      DM_ASSIGN_OR_RETURN(ProcessResult show,
                          systemctl({"show", "--property=NeedDaemonReload", unit_}));
      if (absl::StrContains(show.output, "NeedDaemonReload=yes")) {
        DM_ASSIGN_OR_RETURN(ProcessResult reload, systemctl({"daemon-reload"}));
        (void)reload;
      }
      DM_ASSIGN_OR_RETURN(ProcessResult result, systemctl({verb, unit_}));
      if (!result.ok()) {
        std::string journal;
        if (absl::StatusOr<ProcessResult> status =
                systemctl({"status", "--no-pager", "--lines=20", unit_});
            status.ok()) {
          journal = status->output;
        }
        return absl::AbortedError(absl::StrCat("systemctl ", verb, " ", unit_, ": ",
                                               result.Describe(), "\n", result.output, journal));
      }
      return out;
    };
    if (action == "start" || action == "stop") {
      DM_ASSIGN_OR_RETURN(ProcessResult active, systemctl({"is-active", "--quiet", unit_}));
      if (active.ok() == (action == "start")) return Outcome::Unchanged();
      return act(action, action == "start" ? "started" : "stopped");
    }
    if (action == "enable" || action == "disable") {
      DM_ASSIGN_OR_RETURN(ProcessResult enabled, systemctl({"is-enabled", "--quiet", unit_}));
      if (enabled.ok() == (action == "enable")) return Outcome::Unchanged();
      return act(action, action == "enable" ? "enabled" : "disabled");
    }
    return act(action == "reload" ? "reload-or-restart" : "restart",
               action == "reload" ? "reloaded" : "restarted");
  }

  absl::StatusOr<Outcome> Supervised(const std::string& action, RunContext& context) {
    SupervisedService service(context.state_dir, header_.name, context.agent_binary);
    bool running = service.Running();
    absl::StatusOr<ServiceSpec> stored = service.StoredSpec();
    bool spec_changed = !stored.ok() || stored->ToJson() != spec_.ToJson();
    if (action == "start") {
      if (running && !spec_changed) return Outcome::Unchanged();
      Outcome out = Outcome::Changed({running ? "restarted (command changed)" : "started"});
      if (context.dry_run) return out;
      if (running) DM_RETURN_IF_ERROR(service.Stop());
      DM_RETURN_IF_ERROR(service.Start(spec_));
      if (service.Enabled())
        DM_RETURN_IF_ERROR(service.Enable(spec_));  // keep the stored spec current
      return out;
    }
    if (action == "stop") {
      if (!running) return Outcome::Unchanged();
      if (!context.dry_run) DM_RETURN_IF_ERROR(service.Stop());
      return Outcome::Changed({"stopped"});
    }
    if (action == "enable") {
      if (service.Enabled() && !spec_changed) return Outcome::Unchanged();
      if (!context.dry_run) DM_RETURN_IF_ERROR(service.Enable(spec_));
      return Outcome::Changed({"enabled"});
    }
    if (action == "disable") {
      if (!service.Enabled()) return Outcome::Unchanged();
      if (!context.dry_run) DM_RETURN_IF_ERROR(service.Disable());
      return Outcome::Changed({"disabled"});
    }
    if (action == "reload" && running) {
      if (!context.dry_run) DM_RETURN_IF_ERROR(service.Reload());
      return Outcome::Changed({"reloaded"});
    }
    // restart (or reload of a service that is not running)
    Outcome out = Outcome::Changed({running ? "restarted" : "started"});
    if (context.dry_run) return out;
    if (running) DM_RETURN_IF_ERROR(service.Stop());
    DM_RETURN_IF_ERROR(service.Start(spec_));
    return out;
  }

  std::string unit_;
  ServiceSpec spec_;
};

std::unique_ptr<Resource> Parse(ResourceHeader header, FieldReader& fields, const CookbookFiles&) {
  std::string unit = fields.String("unit").value_or(header.name);
  ServiceSpec spec;
  const yaml::Node* command = fields.Raw("command");
  if (command && command->IsScalar())
    spec.argv = ShellCommand(fields.String("command").value_or(""));
  else if (command)
    spec.argv = fields.StringList("command");
  spec.user = fields.String("user").value_or("");
  spec.cwd = fields.String("cwd").value_or("");
  spec.env = fields.StringMap("env");
  std::string reload = fields.Choice("reload_signal", {"HUP", "USR1", "USR2", "TERM"}, "HUP");
  spec.reload_signal = reload == "USR1"   ? SIGUSR1
                       : reload == "USR2" ? SIGUSR2
                       : reload == "TERM" ? SIGTERM
                                          : SIGHUP;
  if (header.name.find('/') != std::string::npos || header.name[0] == '.' ||
      header.name[0] == '-') {
    fields.Error("", "a service name may not contain '/' or start with '.' or '-'");
  }
  if (unit[0] == '-') fields.Error("unit", "must not start with '-'");
  return std::make_unique<ServiceResource>(std::move(header), std::move(unit), std::move(spec));
}

}  // namespace

ResourceType ServiceType() {
  return {"service",
          {"start", "stop", "restart", "reload", "enable", "disable"},
          &Parse,
          {"enable", "start"}};
}

}  // namespace dm::cookbook
