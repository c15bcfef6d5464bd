// A program's (or a dmctl command's) flags and arguments, as it declares them. A thin front for
// CLI11, which stays in flags.cc and command_line.cc: CLI11 is header-only and costs seconds of
// compiling in every file that includes it.
//
//   flags.Add("fleet", &fleet_, "The fleet's name or file").Required();
//   flags.Add("--limit", &limit_, "How many").ShowDefault();
//   flags.Flag("--json", &json_, "Print JSON");
//
// A name without a leading '-' is a positional argument; "-n,--lines" gives a short form.
#ifndef DM_COMMON_CLI_FLAGS_H_
#define DM_COMMON_CLI_FLAGS_H_

#include <cstdint>
#include <string>
#include <vector>

namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace dm {

// One declared option; each method returns it again, to chain.
class FlagOption {
 public:
  explicit FlagOption(CLI::Option* option) : option_(option) {}
  FlagOption& Required();
  // --help shows the default value (the variable's value at declaration).
  FlagOption& ShowDefault();
  // The value must be one of `allowed`.
  FlagOption& OneOf(const std::vector<std::string>& allowed);
  // A number from `min` to `max`.
  FlagOption& Range(int min, int max);
  FlagOption& Range(double min, double max);
  // Refused together with `other`.
  FlagOption& Excludes(const FlagOption& other);
  // A repeatable option keeps every value given (--attr a=1 --attr b=2).
  FlagOption& TakeAll();

 private:
  friend class Flags;
  CLI::Option* option_;
};

class Flags {
 public:
  explicit Flags(CLI::App* app) : app_(app) {}

  FlagOption Add(const std::string& names, std::string* value, const std::string& help);
  FlagOption Add(const std::string& names, std::vector<std::string>* values,
                 const std::string& help);
  FlagOption Add(const std::string& names, int* value, const std::string& help);
  FlagOption Add(const std::string& names, uint32_t* value, const std::string& help);
  FlagOption Add(const std::string& names, double* value, const std::string& help);
  FlagOption Add(const std::string& names, std::vector<int>* values, const std::string& help);
  // A switch: true when given.
  FlagOption Flag(const std::string& names, bool* value, const std::string& help);
  // Text after the options in --help (an example).
  void Footer(const std::string& text);

 private:
  CLI::App* app_;
};

}  // namespace dm

#endif  // DM_COMMON_CLI_FLAGS_H_
