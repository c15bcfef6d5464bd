// link: a symbolic (default) or hard link.
//
//   - link: /etc/nginx/sites-enabled/app
//     to: /etc/nginx/sites-available/app
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "absl/strings/str_cat.h"
#include "agent/cookbook/resources/resource_types.h"
#include "common/files.h"

namespace dm::cookbook {
namespace {

class LinkResource : public Resource {
 public:
  LinkResource(ResourceHeader header, std::string path, std::string to, bool hard)
      : Resource(std::move(header)), path_(std::move(path)), to_(std::move(to)), hard_(hard) {}

  absl::StatusOr<Outcome> Perform(const std::string& action, RunContext& context) override {
    struct stat st {};
    bool exists = ::lstat(path_.c_str(), &st) == 0;
    if (!exists && errno != ENOENT) return ErrnoStatus("stat", path_, errno);
    if (action == "delete") {
      if (!exists) return Outcome::Unchanged();
      if (!S_ISLNK(st.st_mode) && !hard_)
        return absl::FailedPreconditionError(absl::StrCat(path_, " is not a link"));
      if (!context.dry_run && ::unlink(path_.c_str()) != 0)
        return ErrnoStatus("delete", path_, errno);
      return Outcome::Changed({"deleted"});
    }
    std::string change = exists ? "retargeted" : "created";
    if (exists && S_ISDIR(st.st_mode)) {
      return absl::FailedPreconditionError(absl::StrCat(path_, " is a directory, not a link"));
    }
    if (exists && hard_) {
      struct stat target {};
      if (::stat(to_.c_str(), &target) != 0) return ErrnoStatus("stat link target", to_, errno);
      if (target.st_dev == st.st_dev && target.st_ino == st.st_ino) return Outcome::Unchanged();
    } else if (exists && S_ISLNK(st.st_mode)) {
      char buf[4096];
      ssize_t n = ::readlink(path_.c_str(), buf, sizeof(buf));
      if (n >= 0 && std::string(buf, static_cast<size_t>(n)) == to_) return Outcome::Unchanged();
    } else if (exists) {
      return absl::FailedPreconditionError(
          absl::StrCat(path_, " exists and is not a link; delete it first"));
    }
    Outcome out = Outcome::Changed({absl::StrCat(change, " -> ", to_)});
    if (context.dry_run) return out;
    // Make the new link beside it and rename it over the old one: never a moment without.
    std::string temp = absl::StrCat(path_, ".dm-new.", ::getpid());
    int rc = hard_ ? ::link(to_.c_str(), temp.c_str()) : ::symlink(to_.c_str(), temp.c_str());
    if (rc != 0) return ErrnoStatus("create link", temp, errno);
    if (::rename(temp.c_str(), path_.c_str()) != 0) {
      int err = errno;
      ::unlink(temp.c_str());
      return ErrnoStatus("rename link into place", path_, err);
    }
    return out;
  }

 private:
  std::string path_, to_;
  bool hard_;
};

std::unique_ptr<Resource> Parse(ResourceHeader header, FieldReader& fields, const CookbookFiles&) {
  std::string path = fields.String("path").value_or(header.name);
  std::string to = fields.RequiredString("to");
  bool hard = fields.Choice("type", {"symbolic", "hard"}, "symbolic") == "hard";
  if (path.empty() || path[0] != '/') fields.Error("path", "must be an absolute path");
  return std::make_unique<LinkResource>(std::move(header), std::move(path), std::move(to), hard);
}

}  // namespace

ResourceType LinkType() { return {"link", {"create", "delete"}, &Parse}; }

}  // namespace dm::cookbook
