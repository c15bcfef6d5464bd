// The content of one regular file, shared by the file, template and remote_file resources.
#ifndef DM_AGENT_COOKBOOK_MANAGED_FILE_H_
#define DM_AGENT_COOKBOOK_MANAGED_FILE_H_

#include <string>

#include "absl/status/statusor.h"
#include "agent/cookbook/field_reader.h"
#include "agent/cookbook/ownership.h"
#include "agent/cookbook/resource.h"

namespace dm::cookbook {

struct ManagedFile {
  std::string path;
  Ownership ownership;
  bool backup = true;      // keep the replaced version under RunContext::backup_dir
  bool sensitive = false;  // no diff in reports
};

// Makes `file.path` a regular file holding `content` (staged: see StagedWrites), then owner,
// group and mode. Only what differs is touched: an equal file is not rewritten.
absl::StatusOr<Outcome> EnsureFileContent(const ManagedFile& file, const std::string& content,
                                          RunContext& context);

// Leaves the content alone (create_if_missing): creates the file with `content` only when absent.
absl::StatusOr<Outcome> EnsureFileExists(const ManagedFile& file, const std::string& content,
                                         RunContext& context);

// Removes the file (after a backup) if it is there.
absl::StatusOr<Outcome> EnsureFileAbsent(const ManagedFile& file, RunContext& context);

// How many replaced versions of one file are kept.
inline constexpr int kBackupsKept = 5;

// Reads what file-like resources share: `path` (default: the name; must be absolute),
// `owner`, `group`, `mode` and `backup`.
ManagedFile ReadManagedFile(const ResourceHeader& header, FieldReader& fields);

// A resource whose desired state is a file with content known when the recipe is loaded
// (file, template): actions create, create_if_missing and delete.
class FileContentResource : public Resource {
 public:
  FileContentResource(ResourceHeader header, ManagedFile file, std::string content)
      : Resource(std::move(header)), file_(std::move(file)), content_(std::move(content)) {}

  absl::StatusOr<Outcome> Perform(const std::string& action, RunContext& context) override;
  bool OnlyStagesWrites() const override { return true; }
  std::optional<std::string> ReadsPath() const override { return file_.path; }

 private:
  ManagedFile file_;
  std::string content_;
};

}  // namespace dm::cookbook

#endif  // DM_AGENT_COOKBOOK_MANAGED_FILE_H_
