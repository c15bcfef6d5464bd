// template: a file rendered from the cookbook's templates/ with Mustache (see
// template_renderer.h). The data is the run's attributes with `variables` on top. It is
// rendered and checked when the cookbook is loaded, so a bad template changes nothing.
//
//   - template: /etc/nginx/conf.d/upstream.conf
//     source: upstream.conf.mustache
//     variables: {name: app3}
//     notifies: {reload: "service[nginx]"}
#include "absl/strings/str_cat.h"
#include "agent/cookbook/managed_file.h"
#include "agent/cookbook/resources/resource_types.h"
#include "agent/cookbook/template_renderer.h"
#include "common/files.h"

namespace dm::cookbook {
namespace {

class TemplateResource : public Resource {
 public:
  TemplateResource(ResourceHeader header, ManagedFile file, std::string rendered)
      : Resource(std::move(header)), file_(std::move(file)), rendered_(std::move(rendered)) {}

  absl::StatusOr<Outcome> Perform(const std::string& action, RunContext& context) override {
    if (action == "delete") return EnsureFileAbsent(file_, context);
    if (action == "create_if_missing") return EnsureFileExists(file_, rendered_, context);
    return EnsureFileContent(file_, rendered_, context);
  }
  bool OnlyStagesWrites() const override { return true; }
  std::optional<std::string> ReadsPath() const override { return file_.path; }

 private:
  ManagedFile file_;
  std::string rendered_;
};

std::unique_ptr<Resource> Parse(ResourceHeader header, FieldReader& fields, const CookbookFiles& cookbook) {
  ManagedFile file;
  file.path = fields.String("path").value_or(header.name);
  file.ownership = Ownership::Read(fields);
  file.backup = fields.Bool("backup", true);
  file.sensitive = header.sensitive;
  std::string source = fields.RequiredString("source");
  const yaml::Node* variables = fields.Raw("variables");
  if (file.path.empty() || file.path[0] != '/') fields.Error("path", "must be an absolute path");
  if (variables && !variables->IsMap() && !variables->IsNull()) {
    fields.Error("variables", absl::StrCat("must be a map, not ", variables->KindName()));
    return nullptr;
  }
  if (source.empty()) return nullptr;
  if (source.find("..") != std::string::npos || source[0] == '/') {
    fields.Error("source", "must name a file inside the cookbook's templates/ folder");
    return nullptr;
  }
  std::string template_path = absl::StrCat(cookbook.dir, "/templates/", source);
  absl::StatusOr<std::string> text = ReadFile(template_path);
  if (!text.ok()) {
    fields.Error("source", std::string(text.status().message()));
    return nullptr;
  }
  const Attributes* data = &fields.attributes();
  Attributes merged;
  if (variables && variables->IsMap()) {
    merged = fields.attributes();
    MergeAttributes(merged, AttributesFromYaml(*variables));
    data = &merged;
  }
  std::optional<std::string> rendered =
      RenderTemplate(*text, template_path, *data, absl::StrCat(header.id(), ": "), fields.errors());
  if (!rendered) return nullptr;
  return std::make_unique<TemplateResource>(std::move(header), std::move(file), std::move(*rendered));
}

}  // namespace

ResourceType TemplateType() { return {"template", {"create", "create_if_missing", "delete"}, &Parse}; }

}  // namespace dm::cookbook
