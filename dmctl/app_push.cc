#include "dmctl/app_push.h"

#include <filesystem>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/process.h"
#include "common/yaml/yaml_tree.h"

namespace dm::dmctl {
namespace {

namespace fs = std::filesystem;

// ext:: splits its command at spaces; "% " is a space, "%%" a percent sign.
std::string ExtWord(const std::string& word) {
  std::string out;
  for (char c : word) {
    if (c == '%')
      out += "%%";
    else if (c == ' ')
      out += "% ";
    else
      out += c;
  }
  return out;
}

}  // namespace

bool IsPushableFleetName(const std::string& name) {
  if (name.empty() || name.size() > 15 || name[0] < 'a' || name[0] > 'z') return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

std::string FleetNameInFile(const std::string& file_text) {
  absl::StatusOr<yaml::Node> root = yaml::Parse(file_text, "fleet.yaml");
  if (!root.ok() || !root->IsMap()) return "";
  const yaml::Node* name = root->Find("name");
  return name != nullptr && name->IsScalar() ? name->scalar() : "";
}

LocalRepository LocalAppRepository(const std::string& file_path, const std::string& file_text) {
  absl::StatusOr<yaml::Node> root = yaml::Parse(file_text, file_path);
  if (!root.ok() || !root->IsMap()) return {};
  const yaml::Node* app = root->Find("app");
  if (app == nullptr || !app->IsMap()) return {};
  const yaml::Node* repository = app->Find("repository");
  if (repository == nullptr || !repository->IsScalar()) return {};
  const std::string text = repository->scalar();
  if (text.empty() || absl::StrContains(text, "://") || absl::StartsWith(text, "git@")) return {};
  fs::path path(text);
  if (path.is_relative()) path = fs::path(file_path).parent_path() / path;
  return {path.lexically_normal().string(), repository->mark().ToString()};
}

absl::Status CheckAppRepository(const LocalRepository& repository) {
  ProcessSpec spec;
  spec.argv = {"git", "-C", repository.path, "rev-parse", "--verify", "--quiet", "HEAD^{commit}"};
  spec.env = {{"LC_ALL", "C"}};
  spec.timeout = absl::Minutes(1);
  absl::StatusOr<ProcessResult> checked = RunProcess(spec);
  if (checked.ok() && checked->ok()) return absl::OkStatus();
  std::error_code ec;
  const bool folder = fs::is_directory(repository.path, ec);
  return absl::InvalidArgumentError(
      absl::StrCat(repository.where, ": fleet: app: repository: ", repository.path,
                   !folder ? " does not exist" : " is not a git repository with a commit",
                   " (commit the app there, or name a git URL)"));
}

absl::Status PushAppRepository(const std::string& repository, const std::string& fleet,
                               const std::string& config) {
  std::error_code ec;
  const std::string self = fs::read_symlink("/proc/self/exe", ec).string();
  if (ec) return absl::InternalError("cannot find dmctl's own program");
  std::string transport = absl::StrCat("ext::", ExtWord(self));
  if (!config.empty()) absl::StrAppend(&transport, " --config ", ExtWord(config));
  absl::StrAppend(&transport, " git-transport %S ", ExtWord(fleet));
  ProcessSpec spec;
  spec.argv = {"git",
               "-C",
               repository,
               "-c",
               "protocol.ext.allow=always",
               "push",
               "--quiet",
               "--force",
               transport,
               "+refs/heads/*:refs/heads/*",
               "+refs/tags/*:refs/tags/*",
               "+HEAD:refs/dm/source-head"};
  spec.env = {{"GIT_TERMINAL_PROMPT", "0"}, {"LC_ALL", "C"}};
  spec.timeout = absl::Minutes(30);
  absl::StatusOr<ProcessResult> pushed = RunProcess(spec);
  if (!pushed.ok()) return pushed.status();
  if (!pushed->ok()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "pushing the app repository ", repository, " to the controller: ", pushed->Describe(), ": ",
        absl::StripAsciiWhitespace(pushed->output)));
  }
  return absl::OkStatus();
}

}  // namespace dm::dmctl
