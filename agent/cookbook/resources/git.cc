// git: a working tree checked out at a revision.
//
//   - git: /srv/app/src
//     repository: https://git.example.com/app.git
//     revision: v1.4.2          # branch, tag or commit (default: HEAD of the remote)
//     user: app                 # who owns the checkout and runs git
//
// Converged when the checkout's HEAD is the commit `revision` names now (a branch moves: each
// run asks the remote with ls-remote, fetching only when it moved). Local changes to tracked
// files are discarded on checkout, as a deploy should.
#include <sys/stat.h>

#include <cctype>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "agent/cookbook/resources/resource_types.h"
#include "common/files.h"
#include "common/process.h"
#include "common/status_macros.h"

namespace dm::cookbook {
namespace {

bool IsCommitId(const std::string& s) {
  if (s.size() != 40) return false;
  for (char c : s) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

class GitResource : public Resource {
 public:
  GitResource(ResourceHeader header, std::string path, std::string repository, std::string revision,
              std::string user, absl::Duration timeout)
      : Resource(std::move(header)),
        path_(std::move(path)),
        repository_(std::move(repository)),
        revision_(std::move(revision)),
        user_(std::move(user)),
        timeout_(timeout) {}

  absl::StatusOr<Outcome> Perform(const std::string&, RunContext& context) override {
    bool cloned = PathExists(path_ + "/.git");
    if (!cloned && PathExists(path_)) {
      struct stat st {};
      ::stat(path_.c_str(), &st);
      if (!S_ISDIR(st.st_mode))
        return absl::FailedPreconditionError(absl::StrCat(path_, " exists and is not a directory"));
    }
    DM_ASSIGN_OR_RETURN(std::string wanted, RemoteCommit());
    std::string head;
    if (cloned) {
      absl::StatusOr<std::string> h = Git({"-C", path_, "rev-parse", "HEAD"});
      if (h.ok()) head = std::string(absl::StripAsciiWhitespace(*h));
      if (head == wanted) return Outcome::Unchanged();
    }
    Outcome out = Outcome::Changed(
        {cloned ? absl::StrCat("checked out ", ShortId(wanted), " (was ", ShortId(head), ")")
                : absl::StrCat("cloned at ", ShortId(wanted))});
    if (context.dry_run) return out;
    if (!cloned) {
      DM_RETURN_IF_ERROR(
          Git({"clone", "--no-checkout", "--quiet", "--", repository_, path_}).status());
    }
    if (!HasCommit(wanted)) {
      DM_RETURN_IF_ERROR(Git({"-C", path_, "fetch", "--quiet", "--tags", "origin",
                              "+refs/heads/*:refs/remotes/origin/*"})
                             .status());
      if (!HasCommit(wanted))
        DM_RETURN_IF_ERROR(Git({"-C", path_, "fetch", "--quiet", "origin", wanted}).status());
    }
    DM_RETURN_IF_ERROR(
        Git({"-C", path_, "checkout", "--quiet", "--force", "--detach", wanted}).status());
    return out;
  }

 private:
  static std::string ShortId(const std::string& id) {
    return id.empty() ? "nothing" : id.substr(0, 12);
  }

  // The commit `revision` names: itself if it is a commit id, else what the remote says.
  absl::StatusOr<std::string> RemoteCommit() {
    if (IsCommitId(revision_)) return absl::AsciiStrToLower(revision_);
    DM_ASSIGN_OR_RETURN(std::string listing, Git({"ls-remote", "--", repository_, revision_}));
    // Prefer the peeled tag (^{}) over the tag object; else the first match.
    std::string first;
    for (absl::string_view line : absl::StrSplit(listing, '\n', absl::SkipEmpty())) {
      std::vector<std::string> parts = absl::StrSplit(line, '\t');
      if (parts.size() != 2) continue;
      if (absl::EndsWith(parts[1], "^{}")) return parts[0];
      if (first.empty()) first = parts[0];
    }
    if (first.empty()) {
      return absl::NotFoundError(
          absl::StrCat(repository_, " has no branch or tag '", revision_, "'"));
    }
    return first;
  }

  bool HasCommit(const std::string& id) {
    return Git({"-C", path_, "cat-file", "-e", id + "^{commit}"}).ok();
  }

  absl::StatusOr<std::string> Git(std::vector<std::string> args) {
    ProcessSpec spec;
    spec.argv = {"git"};
    spec.argv.insert(spec.argv.end(), args.begin(), args.end());
    spec.user = user_;
    spec.timeout = timeout_;
    // Never ask for credentials on a terminal the agent does not have.
    spec.env = {{"GIT_TERMINAL_PROMPT", "0"}, {"GIT_ASKPASS", "/bin/false"}, {"LC_ALL", "C"}};
    DM_ASSIGN_OR_RETURN(ProcessResult result, RunProcess(spec));
    if (!result.ok()) {
      return absl::AbortedError(absl::StrCat("git ", args[0] == "-C" ? args[2] : args[0], ": ",
                                             result.Describe(), ": ", result.output));
    }
    return result.output;
  }

  std::string path_, repository_, revision_, user_;
  absl::Duration timeout_;
};

std::unique_ptr<Resource> Parse(ResourceHeader header, FieldReader& fields, const CookbookFiles&) {
  std::string path = fields.String("path").value_or(header.name);
  std::string repository = fields.RequiredString("repository");
  std::string revision = fields.String("revision").value_or("HEAD");
  std::string user = fields.String("user").value_or("");
  absl::Duration timeout = fields.Seconds("timeout").value_or(absl::Minutes(10));
  if (path.empty() || path[0] != '/') fields.Error("path", "must be an absolute path");
  if (!repository.empty() && repository[0] == '-')
    fields.Error("repository", "must not start with '-'");
  if (!revision.empty() && revision[0] == '-') fields.Error("revision", "must not start with '-'");
  return std::make_unique<GitResource>(std::move(header), std::move(path), std::move(repository),
                                       std::move(revision), std::move(user), timeout);
}

}  // namespace

ResourceType GitType() { return {"git", {"sync"}, &Parse}; }

}  // namespace dm::cookbook
