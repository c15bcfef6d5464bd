// dmctl logs FLEET [--role ROLE] [--lines N] [--follow]
//
// The fleet's service logs (nginx, the app, PostgreSQL, memcached, dm-agent, from the journal)
// and, on load balancers, the site's access log: each line prefixed with its host. --follow
// keeps printing new journal lines until Ctrl-C (each host is asked every two seconds, from
// where it stopped: journald's cursor).
#include <unistd.h>

#include <csignal>
#include <map>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "dmctl/command.h"
#include "dmctl/remote_run.h"

namespace dm::dmctl {
namespace {

volatile std::sig_atomic_t g_stop = 0;
void StopOnSignal(int) { g_stop = 1; }

// The roles' services; the app's own is named by the fleet (app: name:).
const char* const kUnits[] = {"nginx", "postgresql@15-main", "memcached", "dm-agent"};
constexpr char kCursorMark[] = "-- cursor: ";

class Logs : public Command {
 public:
  std::vector<std::string> Path() const override { return {"logs"}; }
  std::string Synopsis() const override {
    return "Show (or follow) the fleet's site and service logs";
  }
  void AddFlags(Flags& flags) override {
    flags.Add("fleet", &fleet_, "The fleet's name or file").Required();
    flags.Add("--role", &role_, "Only the servers of this role");
    flags.Add("--lines,-n", &lines_, "Lines per host to start with").ShowDefault();
    flags.Flag("--follow,-f", &follow_, "Keep printing new lines until Ctrl-C");
  }
  int Run(Context& context) override {
    AdminClient* admin = context.Admin();
    if (admin == nullptr) return kUnreachable;
    absl::StatusOr<dm::v1::FleetStatusResponse> status = FleetServers(admin, fleet_);
    if (!status.ok()) return context.Fail(status.status());
    app_name_ = status->app_name();
    std::vector<const dm::v1::FleetServer*> hosts;
    for (const dm::v1::FleetServer& s : status->servers()) {
      if ((role_.empty() || s.role() == role_) && s.agent() == dm::v1::CONNECTED)
        hosts.push_back(&s);
    }
    if (hosts.empty()) {
      context.err() << "dmctl logs: no connected server"
                    << (role_.empty() ? "" : " with role " + role_) << " in fleet "
                    << status->fleet() << "\n";
      return kFailed;
    }
    std::map<std::string, std::string> cursors;
    for (const dm::v1::FleetServer* s : hosts) {
      bool balancer = std::find(s->provides().begin(), s->provides().end(), "loadbalancer") !=
                      s->provides().end();
      if (balancer)
        Print(context, admin, s->name(),
              {"tail", "-n", std::to_string(lines_), "/var/log/nginx/access.log"});
      cursors[s->name()] = Journal(context, admin, s->name(), "");
    }
    if (!follow_) return kOk;
    std::signal(SIGINT, StopOnSignal);
    while (!g_stop) {
      absl::SleepFor(absl::Seconds(2));
      for (auto& [host, cursor] : cursors) {
        if (g_stop) break;
        cursor = Journal(context, admin, host, cursor);
      }
    }
    std::signal(SIGINT, SIG_DFL);
    return kOk;
  }

 private:
  // Prints the host's journal lines for the fleet's services (after `cursor`, or the last
  // --lines); returns the cursor to continue from.
  std::string Journal(Context& context, AdminClient* admin, const std::string& host,
                      const std::string& cursor) {
    std::vector<std::string> argv = {"journalctl", "--no-pager", "--quiet",
                                     "-o",         "short-iso",  "--show-cursor"};
    for (const char* unit : kUnits) argv.insert(argv.end(), {"-u", unit});
    if (!app_name_.empty()) argv.insert(argv.end(), {"-u", app_name_});
    if (cursor.empty())
      argv.insert(argv.end(), {"-n", std::to_string(lines_)});
    else
      argv.push_back("--after-cursor=" + cursor);
    std::string next = cursor;
    Print(context, admin, host, argv, &next);
    return next;
  }

  void Print(Context& context, AdminClient* admin, const std::string& host,
             const std::vector<std::string>& argv, std::string* cursor = nullptr) {
    dm::v1::ExecCommand command;
    for (const std::string& a : argv) command.add_argv(a);
    command.set_timeout_ms(30000);
    std::string text;
    absl::StatusOr<dm::v1::CommandResult> result = RunRemote(
        admin, host, command, [&](dm::v1::CommandOutput::Stream stream, const std::string& data) {
          if (stream == dm::v1::CommandOutput::STDOUT) text += data;
        });
    if (!result.ok()) {
      context.err() << host << ": " << result.status().message() << "\n";
      return;
    }
    for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
      if (absl::StartsWith(line, kCursorMark)) {
        if (cursor) *cursor = std::string(line.substr(sizeof(kCursorMark) - 1));
        continue;
      }
      context.out() << host << " | " << line << "\n";
    }
    context.out() << std::flush;
  }

  std::string fleet_, role_;
  std::string app_name_;  // the fleet's app service, from its status
  int lines_ = 20;
  bool follow_ = false;
};

}  // namespace

std::unique_ptr<Command> NewLogs() { return std::make_unique<Logs>(); }

}  // namespace dm::dmctl
