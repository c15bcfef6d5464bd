// line: one line in a file that is otherwise left alone.
//
//   - line: /etc/ssh/sshd_config
//     text: "PasswordAuthentication no"
//     match: "^#?PasswordAuthentication\\s"   # optional: lines matching are replaced by text
//     action: present                         # or absent (removes matching or equal lines)
//
// present: when `match` is given and some lines match, they become `text`; otherwise, unless
// the file already has the line, it is appended. A missing file is an error unless
// `create: true`. The file keeps its owner and mode; the write is atomic and no backup file is
// left beside it.
#include <sys/stat.h>

#include <cerrno>
#include <optional>
#include <regex>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "agent/cookbook/managed_file.h"
#include "agent/cookbook/resources/resource_types.h"
#include "agent/cookbook/staged_writes.h"
#include "agent/cookbook/unified_diff.h"
#include "common/files.h"

namespace dm::cookbook {
namespace {

class LineResource : public Resource {
 public:
  LineResource(ResourceHeader header, std::string path, std::string text,
               std::optional<std::regex> match, std::string match_text, bool create)
      : Resource(std::move(header)),
        path_(std::move(path)),
        text_(std::move(text)),
        match_(std::move(match)),
        match_text_(std::move(match_text)),
        create_(create) {}

  absl::StatusOr<Outcome> Perform(const std::string& action, RunContext& context) override {
    struct stat st {};
    bool exists = ::lstat(path_.c_str(), &st) == 0;
    if (!exists && errno != ENOENT) return ErrnoStatus("stat", path_, errno);
    if (exists && !S_ISREG(st.st_mode))
      return absl::FailedPreconditionError(absl::StrCat(path_, " is not a regular file"));
    if (!exists && action == "absent") return Outcome::Unchanged();
    if (!exists && !create_) {
      // In a dry run an earlier resource (a package) may be what would create it.
      if (context.dry_run)
        return Outcome::Changed({absl::StrCat("would edit ", path_, " (not there yet)")});
      return absl::FailedPreconditionError(
          absl::StrCat(path_, " does not exist (set create: true to create it)"));
    }
    std::string before;
    if (exists) {
      absl::StatusOr<std::string> read = ReadFile(path_);
      if (!read.ok()) return read.status();
      before = std::move(*read);
    }
    std::string after = action == "absent" ? Remove(before) : Ensure(before);
    if (after == before) return Outcome::Unchanged();
    Outcome out =
        Outcome::Changed({exists ? (action == "absent" ? "line removed" : "line set") : "created"});
    if (!header_.sensitive)
      out.diff = UnifiedDiff(before, after, exists ? path_ : "/dev/null", path_);
    if (context.dry_run) return out;
    mode_t mode = exists ? (st.st_mode & 07777) : 0644;
    uid_t uid = exists ? st.st_uid : static_cast<uid_t>(-1);
    gid_t gid = exists ? st.st_gid : static_cast<gid_t>(-1);
    if (absl::Status s = context.writes->Stage(path_, after, mode, uid, gid); !s.ok()) return s;
    return out;
  }
  bool OnlyStagesWrites() const override { return true; }
  std::optional<std::string> ReadsPath() const override { return path_; }

 private:
  bool Matches(absl::string_view line) const {
    if (match_) return std::regex_search(line.begin(), line.end(), *match_);
    return line == text_;
  }

  static std::vector<absl::string_view> SplitLines(const std::string& text) {
    std::vector<absl::string_view> lines = absl::StrSplit(text, '\n');
    if (!lines.empty() && lines.back().empty()) lines.pop_back();  // the final newline
    return lines;
  }

  std::string Ensure(const std::string& before) const {
    std::vector<absl::string_view> lines = SplitLines(before);
    bool found = false;
    if (match_) {
      for (absl::string_view& line : lines) {
        if (Matches(line)) line = text_, found = true;
      }
    }
    if (!found) {
      for (absl::string_view line : lines) found = found || line == text_;
      if (!found) lines.push_back(text_);
    }
    return lines.empty() ? "" : absl::StrCat(absl::StrJoin(lines, "\n"), "\n");
  }

  std::string Remove(const std::string& before) const {
    std::vector<absl::string_view> kept;
    for (absl::string_view line : SplitLines(before)) {
      if (!Matches(line)) kept.push_back(line);
    }
    return kept.empty() ? "" : absl::StrCat(absl::StrJoin(kept, "\n"), "\n");
  }

  std::string path_, text_;
  std::optional<std::regex> match_;
  std::string match_text_;
  bool create_;
};

std::unique_ptr<Resource> Parse(ResourceHeader header, FieldReader& fields, const CookbookFiles&) {
  std::string path = fields.String("path").value_or(header.name);
  std::string text = fields.RequiredString("text");
  std::optional<std::string> match_text = fields.String("match");
  bool create = fields.Bool("create", false);
  if (path.empty() || path[0] != '/') fields.Error("path", "must be an absolute path");
  if (text.find('\n') != std::string::npos) fields.Error("text", "must be a single line");
  std::optional<std::regex> match;
  if (match_text) {
    try {
      match.emplace(*match_text, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      fields.Error("match", absl::StrCat("is not a valid regular expression: ", e.what()));
    }
  }
  return std::make_unique<LineResource>(std::move(header), std::move(path), std::move(text),
                                        std::move(match), match_text.value_or(""), create);
}

}  // namespace

ResourceType LineType() { return {"line", {"present", "absent"}, &Parse}; }

}  // namespace dm::cookbook
