// A program's command line: what it is, its --version, its flags (Flags), --help, and parsing
// that prints what went wrong. CLI11 stays in command_line.cc and flags.cc, so that a program's
// main compiles none of it.
//
//   CommandLine cli("dm-controller: the DeployMachine controller");
//   cli.SetVersion("dm-controller 0.1.0");
//   cli.flags().Add("--data-dir", &options.data_dir, "...").Required();
//   if (std::optional<int> exit_code = cli.Parse(argc, argv)) return *exit_code;
#ifndef DM_COMMON_CLI_COMMAND_LINE_H_
#define DM_COMMON_CLI_COMMAND_LINE_H_

#include <memory>
#include <optional>
#include <string>

#include "common/cli/flags.h"

namespace dm {

class CommandLine {
 public:
  // `name` is how --help names the program ("dm-agent apply"); its argv[0] when empty.
  explicit CommandLine(const std::string& description, const std::string& name = "");
  ~CommandLine();
  CommandLine(const CommandLine&) = delete;
  CommandLine& operator=(const CommandLine&) = delete;

  // --version prints `text` and exits 0.
  void SetVersion(const std::string& text);
  Flags& flags() { return flags_; }

  // Reads argv. nullopt: the program goes on. Otherwise what to exit with: 0 after --help or
  // --version (printed), `usage_error` after a mistake (printed, with a pointer to --help).
  std::optional<int> Parse(int argc, char** argv, int usage_error = 2);
  // True when `flag` ("--name") was given.
  bool Given(const std::string& flag) const;

 private:
  std::unique_ptr<CLI::App> app_;
  Flags flags_;
};

}  // namespace dm

#endif  // DM_COMMON_CLI_COMMAND_LINE_H_
