// file: a regular file's content (inline or from the cookbook's files/), owner, group, mode.
//
//   - file: /etc/motd
//     content: "Welcome\n"        # or  source: motd   (cookbook/files/motd)
//     mode: "0644"
//     action: create              # create (default), create_if_missing, delete
#include "absl/strings/str_cat.h"
#include "agent/cookbook/managed_file.h"
#include "agent/cookbook/resources/resource_types.h"
#include "common/files.h"

namespace dm::cookbook {
namespace {

class FileResource : public Resource {
 public:
  FileResource(ResourceHeader header, ManagedFile file, std::string content)
      : Resource(std::move(header)), file_(std::move(file)), content_(std::move(content)) {}

  absl::StatusOr<Outcome> Perform(const std::string& action, RunContext& context) override {
    if (action == "delete") return EnsureFileAbsent(file_, context);
    if (action == "create_if_missing") return EnsureFileExists(file_, content_, context);
    return EnsureFileContent(file_, content_, context);
  }
  bool OnlyStagesWrites() const override { return true; }
  std::optional<std::string> ReadsPath() const override { return file_.path; }

 private:
  ManagedFile file_;
  std::string content_;
};

std::unique_ptr<Resource> Parse(ResourceHeader header, FieldReader& fields, const CookbookFiles& cookbook) {
  ManagedFile file;
  file.path = fields.String("path").value_or(header.name);
  file.ownership = Ownership::Read(fields);
  file.backup = fields.Bool("backup", true);
  file.sensitive = header.sensitive;
  std::optional<std::string> content = fields.String("content");
  std::optional<std::string> source = fields.String("source");
  if (content && source) fields.Error("source", "give content or source, not both");
  std::string text = content.value_or("");
  if (source) {
    if (source->find("..") != std::string::npos || (*source)[0] == '/') {
      fields.Error("source", "must name a file inside the cookbook's files/ folder");
    } else {
      absl::StatusOr<std::string> read = ReadFile(absl::StrCat(cookbook.dir, "/files/", *source));
      if (!read.ok()) fields.Error("source", std::string(read.status().message()));
      text = read.value_or("");
    }
  }
  if (file.path.empty() || file.path[0] != '/') fields.Error("path", "must be an absolute path");
  return std::make_unique<FileResource>(std::move(header), std::move(file), std::move(text));
}

}  // namespace

ResourceType FileType() { return {"file", {"create", "create_if_missing", "delete"}, &Parse}; }

}  // namespace dm::cookbook
