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

std::unique_ptr<Resource> Parse(ResourceHeader header, FieldReader& fields,
                                const CookbookFiles& cookbook) {
  ManagedFile file = ReadManagedFile(header, fields);
  std::optional<std::string> content = fields.String("content");
  std::optional<std::string> source = fields.String("source");
  if (content && source) fields.Error("source", "give content or source, not both");
  std::string text = content.value_or("");
  if (source) {
    absl::StatusOr<std::string> path = cookbook.PathIn("files", *source);
    absl::StatusOr<std::string> read = path.ok() ? ReadFile(*path) : path.status();
    if (!read.ok()) fields.Error("source", std::string(read.status().message()));
    text = read.value_or("");
  }
  return std::make_unique<FileContentResource>(std::move(header), std::move(file), std::move(text));
}

}  // namespace

ResourceType FileType() { return {"file", {"create", "create_if_missing", "delete"}, &Parse}; }

}  // namespace dm::cookbook
