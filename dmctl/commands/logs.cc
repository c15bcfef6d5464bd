// dmctl logs FLEET [--role ROLE] [--lines N] [--follow]
//
// The fleet's service logs (nginx, the app, its workers, PostgreSQL, memcached, Redis, dm-agent,
// from the journal) and, on load balancers, the site's access log: each line prefixed with its
// host. When the fleet has a lognode, the journals come from it (every host's, destroyed
// servers' too), else from each host. --follow keeps printing new journal lines until Ctrl-C
// (asked every two seconds, from where it stopped: journald's cursor).
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
const char* const kUnits[] = {"nginx",        "postgresql@15-main",     "memcached",
                              "redis-server", "systemd-journal-remote", "systemd-journal-upload",
                              "dm-agent"};
constexpr char kCursorMark[] = "-- cursor: ";
// Where the lognode's systemd-journal-remote keeps the journals it receives.
constexpr char kRemoteJournals[] = "/var/log/journal/remote";

bool Provides(const dm::v1::FleetServer& s, const std::string& service) {
  return std::find(s.provides().begin(), s.provides().end(), service) != s.provides().end();
}

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
    // The lognode has every host's journal, those of servers since destroyed too.
    for (const dm::v1::FleetServer& s : status->servers()) {
      if (Provides(s, "logs") && s.agent() == dm::v1::CONNECTED) collector_ = s.name();
    }
    if (!role_.empty()) role_prefix_ = absl::StrCat(status->fleet(), "-", role_, "-");
    std::map<std::string, std::string> cursors;
    for (const dm::v1::FleetServer* s : hosts) {
      if (Provides(*s, "loadbalancer"))
        Print(context, admin, s->name(),
              {"tail", "-n", std::to_string(lines_), "/var/log/nginx/access.log"});
      if (collector_.empty() || s->name() == collector_)
        cursors[s->name()] = Journal(context, admin, s->name(), "", false);
    }
    std::string remote_cursor;
    if (!collector_.empty()) remote_cursor = Journal(context, admin, collector_, "", true);
    if (!follow_) return kOk;
    std::signal(SIGINT, StopOnSignal);
    while (!g_stop) {
      absl::SleepFor(absl::Seconds(2));
      for (auto& [host, cursor] : cursors) {
        if (g_stop) break;
        cursor = Journal(context, admin, host, cursor, false);
      }
      if (!collector_.empty() && !g_stop)
        remote_cursor = Journal(context, admin, collector_, remote_cursor, true);
    }
    std::signal(SIGINT, SIG_DFL);
    return kOk;
  }

 private:
  // Prints the host's journal lines for the fleet's services (after `cursor`, or the last
  // --lines); returns the cursor to continue from. `remote`: the journals the lognode `host`
  // received, each line under the host it came from.
  std::string Journal(Context& context, AdminClient* admin, const std::string& host,
                      const std::string& cursor, bool remote) {
    std::vector<std::string> argv = {"journalctl", "--no-pager", "--quiet",
                                     "-o",         "short-iso",  "--show-cursor"};
    if (remote) argv.insert(argv.end(), {"-D", kRemoteJournals});
    for (const char* unit : kUnits) argv.insert(argv.end(), {"-u", unit});
    if (!app_name_.empty()) argv.insert(argv.end(), {"-u", app_name_});
    if (cursor.empty())
      argv.insert(argv.end(), {"-n", std::to_string(lines_)});
    else
      argv.push_back("--after-cursor=" + cursor);
    if (!app_name_.empty()) argv.insert(argv.end(), {"-u", app_name_ + "-worker"});
    std::string next = cursor;
    Print(context, admin, host, argv, &next, remote);
    return next;
  }

  void Print(Context& context, AdminClient* admin, const std::string& host,
             const std::vector<std::string>& argv, std::string* cursor = nullptr,
             bool named_lines = false) {
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
      // short-iso: "TIME HOST UNIT[PID]: MESSAGE"; a received journal's lines name their host.
      std::string from = host;
      if (named_lines) {
        std::vector<absl::string_view> words = absl::StrSplit(line, absl::MaxSplits(' ', 2));
        if (words.size() >= 2) from = std::string(words[1]);
      }
      if (!role_prefix_.empty() && (named_lines || host == collector_) &&
          !absl::StartsWith(from, role_prefix_))
        continue;
      context.out() << from << " | " << line << "\n";
    }
    context.out() << std::flush;
  }

  std::string fleet_, role_;
  std::string app_name_;     // the fleet's app service, from its status
  std::string collector_;    // the fleet's connected lognode; "" when it has none
  std::string role_prefix_;  // with --role: "FLEET-ROLE-", the names of that role's servers
  int lines_ = 20;
  bool follow_ = false;
};

}  // namespace

std::unique_ptr<Command> NewLogs() { return std::make_unique<Logs>(); }

}  // namespace dm::dmctl
