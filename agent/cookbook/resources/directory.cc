// directory: a directory with owner, group and mode; `recursive` creates missing parents (and,
// with action delete, removes the directory with everything in it).
//
//   - directory: /srv/app/releases
//     mode: "0755"
//     recursive: true
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "agent/cookbook/ownership.h"
#include "agent/cookbook/resources/resource_types.h"
#include "common/files.h"

namespace dm::cookbook {
namespace {

class DirectoryResource : public Resource {
 public:
  DirectoryResource(ResourceHeader header, std::string path, Ownership ownership, bool recursive)
      : Resource(std::move(header)),
        path_(std::move(path)),
        ownership_(std::move(ownership)),
        recursive_(recursive) {}

  absl::StatusOr<Outcome> Perform(const std::string& action, RunContext& context) override {
    return action == "delete" ? Delete(context) : Create(context);
  }
  // mkdir and chmod only: nothing it does depends on file contents staged before it.
  bool OnlyStagesWrites() const override { return true; }

 private:
  absl::StatusOr<Outcome> Create(RunContext& context) {
    uid_t uid;
    gid_t gid;
    bool unresolved;
    if (absl::Status s = ownership_.Resolve(context.dry_run, &uid, &gid, &unresolved); !s.ok())
      return s;
    struct stat st {};
    if (::lstat(path_.c_str(), &st) == 0) {
      if (!S_ISDIR(st.st_mode))
        return absl::FailedPreconditionError(absl::StrCat(path_, " exists and is not a directory"));
      Outcome out;
      ownership_.Compare(st, uid, gid, unresolved, &out.changes);
      out.changed = !out.changes.empty();
      if (out.changed && !context.dry_run) {
        if (absl::Status s = ownership_.Apply(-1, path_, st, uid, gid); !s.ok()) return s;
      }
      return out;
    }
    if (errno != ENOENT) return ErrnoStatus("stat", path_, errno);
    std::string parent = std::filesystem::path(path_).parent_path().string();
    bool parent_missing = !parent.empty() && ::access(parent.c_str(), F_OK) != 0;
    if (parent_missing && !recursive_) {
      return absl::FailedPreconditionError(absl::StrCat(
          "parent directory ", parent, " does not exist (set recursive: true to create it)"));
    }
    Outcome out = Outcome::Changed({"created"});
    if (context.dry_run) return out;
    if (parent_missing) {
      if (absl::Status s = MakeDirectories(parent, 0755); !s.ok()) return s;
    }
    mode_t mode = ownership_.mode.value_or(0755);
    // Something else (another converge, a package) may create it between the check and now.
    if (::mkdir(path_.c_str(), mode) != 0 &&
        !(errno == EEXIST && ::lstat(path_.c_str(), &st) == 0 && S_ISDIR(st.st_mode))) {
      return ErrnoStatus("create directory", path_, errno);
    }
    // mkdir applied the umask; settle owner, group and exact mode.
    if (::lstat(path_.c_str(), &st) != 0) return ErrnoStatus("stat", path_, errno);
    Ownership exact = ownership_;
    exact.mode = mode;
    if (absl::Status s = exact.Apply(-1, path_, st, uid, gid); !s.ok()) return s;
    return out;
  }

  absl::StatusOr<Outcome> Delete(RunContext& context) {
    struct stat st {};
    if (::lstat(path_.c_str(), &st) != 0) {
      if (errno == ENOENT) return Outcome::Unchanged();
      return ErrnoStatus("stat", path_, errno);
    }
    if (!S_ISDIR(st.st_mode))
      return absl::FailedPreconditionError(absl::StrCat(path_, " is not a directory"));
    Outcome out = Outcome::Changed({"deleted"});
    if (context.dry_run) return out;
    if (recursive_) {
      std::error_code ec;
      std::filesystem::remove_all(path_, ec);
      if (ec) return absl::InternalError(absl::StrCat("delete ", path_, ": ", ec.message()));
    } else if (::rmdir(path_.c_str()) != 0) {
      return ErrnoStatus(errno == ENOTEMPTY ? "delete (not empty; set recursive: true)" : "delete",
                         path_, errno);
    }
    return out;
  }

  std::string path_;
  Ownership ownership_;
  bool recursive_;
};

std::unique_ptr<Resource> Parse(ResourceHeader header, FieldReader& fields, const CookbookFiles&) {
  std::string path = fields.String("path").value_or(header.name);
  Ownership ownership = Ownership::Read(fields);
  bool recursive = fields.Bool("recursive", false);
  if (path.empty() || path[0] != '/') fields.Error("path", "must be an absolute path");
  std::string normal = std::filesystem::path(path).lexically_normal().string();
  if (normal == "/" &&
      std::find(header.actions.begin(), header.actions.end(), "delete") != header.actions.end())
    fields.Error("", "refusing to delete /");
  return std::make_unique<DirectoryResource>(std::move(header), std::move(path),
                                             std::move(ownership), recursive);
}

}  // namespace

ResourceType DirectoryType() { return {"directory", {"create", "delete"}, &Parse}; }

}  // namespace dm::cookbook
