#include "common/cli/flags.h"

#include <CLI/CLI.hpp>

namespace dm {

FlagOption& FlagOption::Required() {
  option_->required();
  return *this;
}

FlagOption& FlagOption::ShowDefault() {
  option_->capture_default_str();
  return *this;
}

FlagOption& FlagOption::OneOf(const std::vector<std::string>& allowed) {
  option_->check(CLI::IsMember(allowed));
  return *this;
}

FlagOption& FlagOption::Range(int min, int max) {
  option_->check(CLI::Range(min, max));
  return *this;
}

FlagOption& FlagOption::Range(double min, double max) {
  option_->check(CLI::Range(min, max));
  return *this;
}

FlagOption& FlagOption::Excludes(const FlagOption& other) {
  option_->excludes(other.option_);
  return *this;
}

FlagOption& FlagOption::TakeAll() {
  option_->take_all();
  return *this;
}

FlagOption Flags::Add(const std::string& names, std::string* value, const std::string& help) {
  return FlagOption(app_->add_option(names, *value, help));
}

FlagOption Flags::Add(const std::string& names, std::vector<std::string>* values,
                      const std::string& help) {
  return FlagOption(app_->add_option(names, *values, help));
}

FlagOption Flags::Add(const std::string& names, int* value, const std::string& help) {
  return FlagOption(app_->add_option(names, *value, help));
}

FlagOption Flags::Add(const std::string& names, uint32_t* value, const std::string& help) {
  return FlagOption(app_->add_option(names, *value, help));
}

FlagOption Flags::Add(const std::string& names, double* value, const std::string& help) {
  return FlagOption(app_->add_option(names, *value, help));
}

FlagOption Flags::Add(const std::string& names, std::vector<int>* values, const std::string& help) {
  return FlagOption(app_->add_option(names, *values, help));
}

FlagOption Flags::Flag(const std::string& names, bool* value, const std::string& help) {
  return FlagOption(app_->add_flag(names, *value, help));
}

void Flags::Footer(const std::string& text) { app_->footer(text); }

}  // namespace dm
