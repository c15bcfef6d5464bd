// One dmctl subcommand ("agents list", "token create", ...). Each lives in its own file under
// commands/ and is listed once in command_table.cc. main.cc builds the command line from the
// table, so every command gets --help from its Synopsis and flags.
#ifndef DM_DMCTL_COMMAND_H_
#define DM_DMCTL_COMMAND_H_

#include <memory>
#include <string>
#include <vector>

#include "common/cli/flags.h"
#include "dmctl/context.h"

namespace dm::dmctl {

class Command {
 public:
  virtual ~Command() = default;
  // Words that select the command, e.g. {"agents", "list"}.
  virtual std::vector<std::string> Path() const = 0;
  virtual std::string Synopsis() const = 0;
  // Declares the command's own flags and arguments, bound to members.
  virtual void AddFlags(Flags& flags) { (void)flags; }
  // Left out of --help: commands that programs run, not people.
  virtual bool Hidden() const { return false; }
  // Returns the process exit code (see ExitCode).
  virtual int Run(Context& context) = 0;
};

std::vector<std::unique_ptr<Command>> BuiltinCommands();

}  // namespace dm::dmctl

#endif  // DM_DMCTL_COMMAND_H_
