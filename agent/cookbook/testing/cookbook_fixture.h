// A temporary folder for cookbook tests: write a cookbook (recipe, attributes, templates,
// files) from strings, load it, converge it, and look at what it did under `root()`.
#ifndef DM_AGENT_COOKBOOK_TESTING_COOKBOOK_FIXTURE_H_
#define DM_AGENT_COOKBOOK_TESTING_COOKBOOK_FIXTURE_H_

#include <gtest/gtest.h>

#include <string>

#include "absl/status/statusor.h"
#include "agent/cookbook/run_list.h"
#include "agent/cookbook/runner.h"
#include "common/temp_dir.h"

namespace dm::cookbook::testing {

class CookbookTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // The folder resources write into; recipes reach it as {{root}}.
  const std::string& root() const { return root_; }
  const std::string& cookbook_dir() const { return cookbook_dir_; }
  std::string state_dir() const { return base_ + "/state"; }

  // Writes `text` to a file of the cookbook ("recipe.yaml", "templates/x.mustache", ...).
  void WriteCookbookFile(const std::string& relative, const std::string& text);
  // Writes the recipe; `attributes` (YAML, may be empty) are added to root: ROOT.
  void WriteRecipe(const std::string& recipe, const std::string& attributes = "");

  absl::StatusOr<RunList> Load(LoadOptions options = {});
  // Loads (asserting success) and converges.
  RunReport Converge(bool dry_run = false);

  // Helpers to look at the result.
  std::string Read(const std::string& relative) const;
  void Write(const std::string& relative, const std::string& content) const;
  bool Exists(const std::string& relative) const;
  int Mode(const std::string& relative) const;
  // The last report entry for `id` (a notified resource appears twice).
  const ResourceReport* Find(const RunReport& report, const std::string& id) const;

 private:
  TempDir temp_{"dm-cookbook-test"};
  const std::string base_ = temp_.path();
  std::string root_, cookbook_dir_, attributes_;
};

}  // namespace dm::cookbook::testing

#endif  // DM_AGENT_COOKBOOK_TESTING_COOKBOOK_FIXTURE_H_
