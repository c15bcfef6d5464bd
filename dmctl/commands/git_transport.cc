// dmctl git-transport SERVICE FLEET
//
// Not for people: git runs it (as an ext:: transport) when dmctl pushes an app repository to the
// controller. It relays git's pack protocol between its standard input and output and the
// controller's repository for FLEET, over dmctl's authenticated connection.
#include <unistd.h>

#include "dmctl/command.h"

namespace dm::dmctl {
namespace {

class GitTransport : public Command {
 public:
  std::vector<std::string> Path() const override { return {"git-transport"}; }
  std::string Synopsis() const override {
    return "(run by git when dmctl pushes an app repository) relay git's protocol";
  }
  bool Hidden() const override { return true; }
  void AddFlags(Flags& flags) override {
    flags.Add("service", &service_, "git-receive-pack").Required();
    flags.Add("fleet", &fleet_, "The fleet whose repository it is").Required();
  }
  int Run(Context& context) override {
    AdminClient* admin = context.Admin();
    if (admin == nullptr) return kUnreachable;
    absl::Status relayed = admin->GitTransport(service_, fleet_, STDIN_FILENO, STDOUT_FILENO);
    if (!relayed.ok()) return context.Fail(relayed);
    return kOk;
  }

 private:
  std::string service_, fleet_;
};

}  // namespace

std::unique_ptr<Command> NewGitTransport() { return std::make_unique<GitTransport>(); }

}  // namespace dm::dmctl
