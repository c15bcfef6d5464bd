// dmctl app FLEET [--service NAME] -- ARGS...
//
// Runs a management command (migrations, a shell, a one-off task) in the application's own
// environment on one app node: as the service's user, in its working directory, with its
// environment file (database settings and secrets), as a transient systemd unit with the
// service's sandbox. The settings are read from the service itself, so the command sees exactly
// what the running app sees. Exits with the command's exit code.
#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "dmctl/command.h"
#include "dmctl/remote_run.h"

namespace dm::dmctl {
namespace {

// $0: the service; "$@": the command. The service's own variables (its PATH, with the app's
// virtual environment first) come along; a shell inside the unit finds the command on that PATH
// (systemd-run would look it up on its own).
constexpr char kInServiceEnvironment[] = R"sh(set -e
user=$(systemctl show -p User --value "$0")
dir=$(systemctl show -p WorkingDirectory --value "$0")
env=$(systemctl show -p EnvironmentFiles --value "$0" | cut -d' ' -f1)
vars=$(systemctl show -p Environment --value "$0")
[ -n "$user" ] && [ -n "$dir" ] || { echo "no service $0 here" >&2; exit 125; }
exec systemd-run --quiet --pipe --wait --collect --service-type=exec -p User="$user" \
  -p WorkingDirectory="$dir" ${env:+-p EnvironmentFile="$env"} ${vars:+-p Environment="$vars"} \
  -p NoNewPrivileges=yes -p PrivateTmp=yes -- /bin/sh -c 'exec "$@"' dm-app "$@"
)sh";

class App : public Command {
 public:
  std::vector<std::string> Path() const override { return {"app"}; }
  std::string Synopsis() const override {
    return "Run a command in the app's environment on one app node";
  }
  void AddFlags(Flags& flags) override {
    flags.Add("fleet", &fleet_, "The fleet's name or file").Required();
    flags.Add("--service", &service_,
              "The app's systemd service (default: the fleet's app, as its file names it)");
    flags.Add("command", &argv_, "The command and its arguments (after --)").Required();
    flags.Footer("Example: dmctl app shop -- python3 guestbook.py migrate");
  }
  int Run(Context& context) override {
    AdminClient* admin = context.Admin();
    if (admin == nullptr) return kUnreachable;
    absl::StatusOr<dm::v1::FleetStatusResponse> status = FleetServers(admin, fleet_);
    if (!status.ok()) return context.Fail(status.status());
    const std::string service = service_.empty() ? status->app_name() : service_;
    if (service.empty()) {
      context.err() << "dmctl app: fleet " << status->fleet() << " runs no app\n";
      return kFailed;
    }
    std::string host;
    for (const dm::v1::FleetServer& s : status->servers()) {
      bool app = std::find(s.provides().begin(), s.provides().end(), "app") != s.provides().end();
      if (app && s.agent() == dm::v1::CONNECTED) {
        host = s.name();
        break;
      }
    }
    if (host.empty()) {
      context.err() << "dmctl app: fleet " << status->fleet()
                    << " has no app node with a connected agent\n";
      return kFailed;
    }
    dm::v1::ExecCommand command;
    for (const std::string& a :
         {std::string("sh"), std::string("-c"), std::string(kInServiceEnvironment), service}) {
      command.add_argv(a);
    }
    for (const std::string& a : argv_) command.add_argv(a);
    absl::StatusOr<dm::v1::CommandResult> result = RunRemote(
        admin, host, command, [&](dm::v1::CommandOutput::Stream stream, const std::string& data) {
          (stream == dm::v1::CommandOutput::STDERR ? context.err() : context.out())
              << data << std::flush;
        });
    if (!result.ok()) return context.Fail(result.status());
    if (!result->error().empty())
      context.err() << "dmctl app: " << host << ": " << result->error() << "\n";
    return result->exit_code() < 0 ? kFailed : result->exit_code();
  }

 private:
  std::string fleet_, service_;
  std::vector<std::string> argv_;
};

}  // namespace

std::unique_ptr<Command> NewApp() { return std::make_unique<App>(); }

}  // namespace dm::dmctl
