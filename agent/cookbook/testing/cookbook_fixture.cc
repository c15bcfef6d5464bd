#include "agent/cookbook/testing/cookbook_fixture.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "common/files.h"

namespace dm::cookbook::testing {

void CookbookTest::SetUp() {
  root_ = base_ + "/root";
  cookbook_dir_ = base_ + "/cookbook";
  std::filesystem::create_directories(root_);
  std::filesystem::create_directories(cookbook_dir_);
}

void CookbookTest::TearDown() {
  if (HasFailure()) temp_.Keep();
}

void CookbookTest::WriteCookbookFile(const std::string& relative, const std::string& text) {
  std::filesystem::path p = std::filesystem::path(cookbook_dir_) / relative;
  std::filesystem::create_directories(p.parent_path());
  std::ofstream(p) << text;
}

void CookbookTest::WriteRecipe(const std::string& recipe, const std::string& attributes) {
  WriteCookbookFile("recipe.yaml", recipe);
  WriteCookbookFile("attributes.yaml", absl::StrCat("root: ", root_, "\n", attributes));
}

absl::StatusOr<RunList> CookbookTest::Load(LoadOptions options) {
  if (options.path.empty()) options.path = cookbook_dir_;
  return LoadRunList(options);
}

RunReport CookbookTest::Converge(bool dry_run) {
  absl::StatusOr<RunList> run_list = Load();
  EXPECT_TRUE(run_list.ok()) << run_list.status();
  if (!run_list.ok()) return RunReport{};
  RunOptions options;
  options.dry_run = dry_run;
  options.backup_dir = base_ + "/backup";
  options.state_dir = state_dir();
  // Supervised services run `dm-agent supervise`: the real binary (ctest sets DM_BIN_DIR).
  const char* bin = std::getenv("DM_BIN_DIR");
  options.agent_binary = std::string(bin ? bin : "build/bin") + "/dm-agent";
  return cookbook::Converge(*run_list, options);
}

std::string CookbookTest::Read(const std::string& relative) const {
  return ReadFile(root_ + "/" + relative).value_or("<missing>");
}

void CookbookTest::Write(const std::string& relative, const std::string& content) const {
  std::ofstream(root_ + "/" + relative) << content;
}

bool CookbookTest::Exists(const std::string& relative) const {
  struct stat st {};
  return ::lstat((root_ + "/" + relative).c_str(), &st) == 0;
}

int CookbookTest::Mode(const std::string& relative) const {
  struct stat st {};
  if (::lstat((root_ + "/" + relative).c_str(), &st) != 0) return -1;
  return static_cast<int>(st.st_mode & 07777);
}

const ResourceReport* CookbookTest::Find(const RunReport& report, const std::string& id) const {
  // The last entry: a resource run by a notification appears again after its own.
  for (auto r = report.resources.rbegin(); r != report.resources.rend(); ++r) {
    if (r->id == id) return &*r;
  }
  return nullptr;
}

}  // namespace dm::cookbook::testing
