#include "common/cli/command_line.h"

#include <CLI/CLI.hpp>

namespace dm {

CommandLine::CommandLine(const std::string& description, const std::string& name)
    : app_(std::make_unique<CLI::App>(description, name)), flags_(app_.get()) {}

CommandLine::~CommandLine() = default;

void CommandLine::SetVersion(const std::string& text) { app_->set_version_flag("--version", text); }

std::optional<int> CommandLine::Parse(int argc, char** argv, int usage_error) {
  try {
    app_->parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app_->exit(e) == 0 ? 0 : usage_error;
  }
  return std::nullopt;
}

bool CommandLine::Given(const std::string& flag) const { return app_->count(flag) > 0; }

}  // namespace dm
