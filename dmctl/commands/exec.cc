// dmctl exec AGENT [--timeout S] [--cwd DIR] [--env K=V]... [--input FILE] -- CMD ARGS...
//
// Runs CMD on the agent (argv as given, no shell) and streams its stdout and stderr here;
// --input gives it a file (or - for this standard input) as its standard input. Exits
// with the remote exit code, 128+N if a signal N ended it, or 255 if dmctl itself failed, as ssh
// does; so `dmctl exec web-1 -- test -f /etc/x && ...` works in scripts.
#include <csignal>
#include <iostream>
#include <iterator>
#include <optional>

#include "absl/strings/str_cat.h"
#include "common/files.h"
#include "dmctl/command.h"

namespace dm::dmctl {
namespace {

constexpr int kExecFailed = 255;
// What one request to the controller may carry (its message limit is 64 MB).
constexpr size_t kMaxInputBytes = 63u << 20;

absl::StatusOr<std::string> ReadStream(std::istream& in) {
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return absl::DataLossError("cannot read standard input");
  return data;
}

class Exec : public Command {
 public:
  std::vector<std::string> Path() const override { return {"exec"}; }
  std::string Synopsis() const override {
    return "Run a command on an agent and stream its output; exits with its exit code";
  }
  void AddFlags(Flags& flags) override {
    flags.Add("agent", &agent_, "Agent name").Required();
    flags.Add("command", &argv_, "Program and arguments, after --").Required();
    flags.Add("--timeout", &timeout_seconds_, "Stop the program after this many seconds (0: never)")
        .ShowDefault();
    flags.Add("--cwd", &cwd_, "Working directory on the agent");
    flags.Add("--env", &env_, "KEY=VALUE added to the program's environment (repeatable)");
    flags.Add("--input", &input_,
              "A file (- : standard input) for the program's standard input, up to 64 MB");
    flags.Footer(
        "Example: dmctl exec web-1 -- systemctl status nginx\n"
        "         dmctl exec db-1 --input schema.sql -- runuser -u postgres -- psql -d shop");
  }

  int Run(Context& context) override {
    dm::v1::ExecRequest request;
    request.set_agent(agent_);
    for (const auto& a : argv_) request.mutable_command()->add_argv(a);
    request.mutable_command()->set_cwd(cwd_);
    request.mutable_command()->set_timeout_ms(timeout_seconds_ * 1000);
    for (const auto& kv : env_) {
      size_t eq = kv.find('=');
      if (eq == std::string::npos || eq == 0) {
        context.err() << "dmctl: --env " << kv << ": expected KEY=VALUE\n";
        return kUsage;
      }
      (*request.mutable_command()->mutable_env())[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    if (!input_.empty()) {
      absl::StatusOr<std::string> data = input_ == "-" ? ReadStream(std::cin) : ReadFile(input_);
      if (!data.ok()) {
        context.err() << "dmctl: --input " << input_ << ": " << data.status().message() << "\n";
        return kUsage;
      }
      if (data->size() > kMaxInputBytes) {
        context.err() << "dmctl: --input " << input_ << ": " << (data->size() >> 20)
                      << " MB; at most " << (kMaxInputBytes >> 20) << " MB\n";
        return kUsage;
      }
      request.mutable_command()->set_stdin_data(std::move(*data));
    }
    AdminClient* admin = context.Admin();
    if (admin == nullptr) return kExecFailed;

    // Ctrl-C cancels the call, which stops the remote program, instead of leaving it running.
    InterruptibleCalls interruptible(admin);
    std::optional<dm::v1::CommandResult> result;
    absl::Status status = admin->Exec(request, [&](const dm::v1::ExecEvent& event) {
      if (event.has_output()) {
        const auto& o = event.output();
        std::ostream& sink =
            o.stream() == dm::v1::CommandOutput::STDERR ? context.err() : context.out();
        sink.write(o.data().data(), static_cast<std::streamsize>(o.data().size()));
        sink.flush();
      } else if (event.has_result()) {
        result = event.result();
      }
    });
    if (!status.ok()) {
      context.Fail(status);
      return kExecFailed;
    }
    if (!result) {
      context.err() << "dmctl: the controller ended the call without a result\n";
      return kExecFailed;
    }
    if (!result->error().empty())
      context.err() << "dmctl: " << agent_ << ": " << result->error() << "\n";
    if (result->signal() != 0) return 128 + result->signal();
    if (result->exit_code() < 0) return kExecFailed;
    return result->exit_code();
  }

 private:
  std::string agent_;
  std::vector<std::string> argv_;
  uint32_t timeout_seconds_ = 0;
  std::string cwd_;
  std::string input_;
  std::vector<std::string> env_;
};

}  // namespace

std::unique_ptr<Command> NewExec() { return std::make_unique<Exec>(); }

}  // namespace dm::dmctl
