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

std::unique_ptr<Resource> Parse(ResourceHeader header, FieldReader& fields,
                                const CookbookFiles& cookbook) {
  ManagedFile file = ReadManagedFile(header, fields);
  std::string source = fields.RequiredString("source");
  const yaml::Node* variables = fields.Raw("variables");
  if (variables && !variables->IsMap() && !variables->IsNull()) {
    fields.Error("variables", absl::StrCat("must be a map, not ", variables->KindName()));
    return nullptr;
  }
  if (source.empty()) return nullptr;
  absl::StatusOr<std::string> template_path = cookbook.PathIn("templates", source);
  absl::StatusOr<std::string> text =
      template_path.ok() ? ReadFile(*template_path) : template_path.status();
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
  std::optional<std::string> rendered = RenderTemplate(
      *text, *template_path, *data, absl::StrCat(header.id(), ": "), fields.errors());
  if (!rendered) return nullptr;
  return std::make_unique<FileContentResource>(std::move(header), std::move(file),
                                               std::move(*rendered));
}

}  // namespace

ResourceType TemplateType() {
  return {"template", {"create", "create_if_missing", "delete"}, &Parse};
}

}  // namespace dm::cookbook
