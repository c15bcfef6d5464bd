#include "agent/cookbook/run_list.h"

#include <unistd.h>

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "agent/cookbook/field_reader.h"
#include "agent/cookbook/health_reader.h"
#include "agent/cookbook/interpolate.h"
#include "agent/cookbook/resource_type.h"
#include "common/files.h"
#include "common/yaml/validation_errors.h"

namespace dm::cookbook {
namespace {

// Reads a file's YAML, recording a parse error (which carries its own position).
std::optional<yaml::Node> ReadYaml(const std::string& path, bool optional,
                                   yaml::ValidationErrors* errors) {
  if (optional && ::access(path.c_str(), F_OK) != 0) return std::nullopt;
  absl::StatusOr<yaml::Node> node = yaml::ParseFile(path);
  if (!node.ok()) {
    // Syntax errors say "file:line:column: ..." already; a file that cannot be read names itself.
    errors->AddPositioned(std::string(node.status().message()));
    return std::nullopt;
  }
  return *node;
}

std::vector<Guard> ReadGuard(FieldReader& fields, const std::string& key) {
  const yaml::Node* node = fields.Raw(key);
  if (node == nullptr || node->IsNull()) return {};
  if (node->IsScalar()) return {Guard{{"/bin/sh", "-c", fields.String(key).value_or("true")}}};
  std::vector<std::string> argv = fields.StringList(key);
  if (argv.empty()) return {};
  return {Guard{std::move(argv)}};
}

std::vector<Notification> ReadNotifications(FieldReader& fields, const std::string& what,
                                            yaml::ValidationErrors* errors) {
  std::vector<Notification> out;
  const yaml::Node* node = fields.Raw("notifies");
  if (node == nullptr || node->IsNull()) return out;
  std::vector<const yaml::Node*> items;
  if (node->IsMap())
    items.push_back(node);
  else if (node->IsSequence())
    for (const yaml::Node& item : node->items()) items.push_back(&item);
  for (const yaml::Node* item : items) {
    if (!item->IsMap()) {
      errors->Add(item->mark(), absl::StrCat(what,
                                             ": field 'notifies': each notification is a map such "
                                             "as {restart: \"service[nginx]\"}"));
      continue;
    }
    FieldReader n(*item, what + ": notification", fields.attributes(), errors);
    std::string timing = n.Choice("timing", {"delayed", "immediately"}, "delayed");
    size_t actions = 0;
    for (const auto& [key, value] : item->entries()) {
      if (key.scalar() == "timing") continue;
      ++actions;
      std::optional<std::string> target = n.String(key.scalar());
      if (target) out.push_back({key.scalar(), *target, timing == "immediately", key.mark()});
    }
    if (actions == 0)
      errors->Add(item->mark(), absl::StrCat(what, ": notification names no action"));
  }
  if (!node->IsMap() && !node->IsSequence()) {
    errors->Add(node->mark(),
                absl::StrCat(what, ": field 'notifies' must be a map or a list of maps"));
  }
  return out;
}

class Loader {
 public:
  explicit Loader(const LoadOptions& options) : options_(options) {}

  absl::StatusOr<RunList> Load() {
    std::vector<std::string> cookbook_dirs;
    Attributes role_attributes = Attributes::object();
    if (::access((options_.path + "/recipe.yaml").c_str(), F_OK) == 0) {
      if (!options_.role.empty()) {
        return absl::InvalidArgumentError(absl::StrCat(
            options_.path,
            " is a single cookbook; --role needs a folder with roles/ and cookbooks/"));
      }
      cookbook_dirs.push_back(options_.path);
    } else if (::access((options_.path + "/roles").c_str(), F_OK) == 0) {
      if (options_.role.empty()) {
        return absl::InvalidArgumentError(
            absl::StrCat(options_.path, " holds roles: name one with --role"));
      }
      if (!ReadRole(&cookbook_dirs, &role_attributes)) return errors_.ToStatus();
    } else {
      return absl::InvalidArgumentError(absl::StrCat(
          options_.path,
          " is neither a cookbook (no recipe.yaml) nor a folder with roles/ and cookbooks/"));
    }

    // Attributes first, from every layer, so that every recipe sees the final values.
    RunList run;
    run.attributes = Attributes::object();
    for (const std::string& dir : cookbook_dirs) {
      if (auto defaults = ReadYaml(dir + "/attributes.yaml", /*optional=*/true, &errors_)) {
        if (!defaults->IsMap() && !defaults->IsNull()) {
          errors_.Add(defaults->mark(), "attributes must be a map");
        } else {
          MergeAttributes(run.attributes, AttributesFromYaml(*defaults));
        }
      }
    }
    MergeAttributes(run.attributes, role_attributes);
    if (options_.fleet_attributes.is_object())
      MergeAttributes(run.attributes, options_.fleet_attributes);
    if (options_.host_attributes.is_object())
      MergeAttributes(run.attributes, options_.host_attributes);

    for (const std::string& dir : cookbook_dirs) {
      CookbookFiles cookbook{dir, dir.substr(dir.rfind('/') + 1)};
      run.cookbooks.push_back(cookbook.name);
      ReadRecipe(cookbook, run.attributes, &run.resources);
      ReadCookbookHealth(cookbook, run.attributes, &run.health);
    }
    if (role_health_)
      ReadHealthChecks(*role_health_, "role " + options_.role, run.attributes, &run.health,
                       &errors_);
    CheckHealthNames(run.health);
    CheckNotifications(run);
    if (!errors_.empty()) return errors_.ToStatus();
    return run;
  }

 private:
  bool ReadRole(std::vector<std::string>* cookbook_dirs, Attributes* role_attributes) {
    std::string path = absl::StrCat(options_.path, "/roles/", options_.role, ".yaml");
    if (options_.role.find('/') != std::string::npos || ::access(path.c_str(), F_OK) != 0) {
      errors_.AddPositioned(
          absl::StrCat("no role '", options_.role, "' (", path, " does not exist)"));
      return false;
    }
    std::optional<yaml::Node> role = ReadYaml(path, false, &errors_);
    if (!role) return false;
    if (!role->IsMap()) {
      errors_.Add(role->mark(), "a role is a map with cookbooks: and attributes:");
      return false;
    }
    FieldReader fields(*role, "role " + options_.role, Attributes::object(), &errors_);
    fields.String("description");
    // What the role serves to a fleet (the controller orders and wires hosts by it).
    for (const std::string& service : fields.StringList("provides")) {
      static const std::vector<std::string> kServices = {"database",     "cache", "app",
                                                         "loadbalancer", "tasks", "logs"};
      if (std::find(kServices.begin(), kServices.end(), service) == kServices.end()) {
        fields.Error("provides", absl::StrCat("'", service, "' is not one of ",
                                              absl::StrJoin(kServices, ", ")));
      }
    }
    const yaml::Node* attributes = fields.Raw("attributes");
    if (attributes && attributes->IsMap())
      *role_attributes = AttributesFromYaml(*attributes);
    else if (attributes && !attributes->IsNull())
      fields.Error("attributes", "must be a map");
    // Health checks are read once every attribute is known; the ladder is the controller's.
    if (const yaml::Node* health = fields.Raw("health")) role_health_ = *health;
    ReadRemediation(fields);
    const yaml::Node* cookbooks = fields.Raw("cookbooks");
    if (cookbooks == nullptr || !cookbooks->IsSequence() || cookbooks->items().empty()) {
      fields.Error("cookbooks", "must be a list of cookbook names");
    } else {
      // A cookbook may be named by an attribute (`"{{cache.server}}"`: memcached or redis, as
      // the fleet file says), from the role's, the fleet's and the host's attributes; "" names
      // none.
      Attributes chosen = *role_attributes;
      if (options_.fleet_attributes.is_object()) MergeAttributes(chosen, options_.fleet_attributes);
      if (options_.host_attributes.is_object()) MergeAttributes(chosen, options_.host_attributes);
      for (const yaml::Node& item : cookbooks->items()) {
        std::optional<std::string> name =
            item.IsScalar()
                ? Interpolate(item.scalar(), chosen, item.mark(), "role " + options_.role, &errors_)
                : std::nullopt;
        if (item.IsScalar() && !name) continue;  // the reference's error is recorded
        // An attribute that names no cookbook adds none (a fleet without a lognode uploads
        // its journal nowhere).
        if (name && name->empty() && item.scalar().find("{{") != std::string::npos) continue;
        std::string dir = absl::StrCat(options_.path, "/cookbooks/", name.value_or(""));
        if (!name || name->empty() || name->find('/') != std::string::npos ||
            ::access((dir + "/recipe.yaml").c_str(), F_OK) != 0) {
          errors_.Add(item.mark(),
                      absl::StrCat("role ", options_.role, ": no cookbook '", name.value_or(""),
                                   "' (", dir, "/recipe.yaml does not exist)"));
        } else {
          cookbook_dirs->push_back(dir);
        }
      }
    }
    fields.RejectUnknown();
    return errors_.empty();
  }

  // What the controller does, step by step, when a check keeps failing (docs/health.md).
  void ReadRemediation(FieldReader& fields) {
    static const std::vector<std::string> kSteps = {"restart", "reconverge", "replace"};
    for (const std::string& step : fields.StringList("remediation")) {
      if (std::find(kSteps.begin(), kSteps.end(), step) == kSteps.end()) {
        fields.Error("remediation",
                     absl::StrCat("'", step, "' is not one of: ", absl::StrJoin(kSteps, ", ")));
      }
    }
  }

  void ReadCookbookHealth(const CookbookFiles& cookbook, const Attributes& attributes,
                          std::vector<health::CheckSpec>* out) {
    std::optional<yaml::Node> file = ReadYaml(cookbook.dir + "/health.yaml", true, &errors_);
    if (!file || file->IsNull()) return;
    if (!file->IsMap()) {
      errors_.Add(file->mark(), "health.yaml is a map with a health: list");
      return;
    }
    yaml::FieldReader fields(*file, "cookbook " + cookbook.name, &errors_);
    if (const yaml::Node* list = fields.Raw("health"))
      ReadHealthChecks(*list, "cookbook " + cookbook.name, attributes, out, &errors_);
    fields.RejectUnknown();
  }

  void CheckHealthNames(const std::vector<health::CheckSpec>& checks) {
    std::map<std::string, std::string> seen;
    for (const health::CheckSpec& check : checks) {
      auto [first, fresh] = seen.emplace(check.name, check.declared);
      if (!fresh) {
        errors_.AddPositioned(absl::StrCat(check.declared, ": health check '", check.name,
                                           "' is declared twice (first at ", first->second,
                                           "); give one of them a name: field"));
      }
    }
  }

  void ReadRecipe(const CookbookFiles& cookbook, const Attributes& attributes,
                  std::vector<std::unique_ptr<Resource>>* out) {
    std::optional<yaml::Node> recipe = ReadYaml(cookbook.dir + "/recipe.yaml", false, &errors_);
    if (!recipe || recipe->IsNull()) return;
    if (!recipe->IsSequence()) {
      errors_.Add(recipe->mark(),
                  "a recipe is a list of resources, each starting with its type: '- file: /path'");
      return;
    }
    for (const yaml::Node& item : recipe->items()) {
      if (auto resource = ReadResource(item, cookbook, attributes))
        out->push_back(std::move(resource));
    }
  }

  std::unique_ptr<Resource> ReadResource(const yaml::Node& item, const CookbookFiles& cookbook,
                                         const Attributes& attributes) {
    if (!item.IsMap() || item.entries().empty()) {
      errors_.Add(item.mark(),
                  "a resource is a map starting with its type, such as '- file: /etc/motd'");
      return nullptr;
    }
    // The first key is the type; its value is the resource's name.
    const auto& [type_key, name_node] = item.entries().front();
    const ResourceType* type = FindResourceType(type_key.scalar());
    if (type == nullptr) {
      errors_.Add(type_key.mark(),
                  absl::StrCat("unknown resource type '", type_key.scalar(),
                               "' (known: ", absl::StrJoin(ResourceTypeNames(), ", "), ")"));
      return nullptr;
    }
    ResourceHeader header;
    header.type = type->name;
    header.mark = type_key.mark();
    if (!name_node.IsScalar() || name_node.scalar().empty()) {
      errors_.Add(name_node.mark(),
                  absl::StrCat(type->name, ": needs a name, such as '- ", type->name, ": NAME'"));
      return nullptr;
    }
    std::optional<std::string> name = Interpolate(name_node.scalar(), attributes, name_node.mark(),
                                                  type->name + ": name: ", &errors_);
    if (!name) return nullptr;
    header.name = std::move(*name);
    header.written_name = name_node.scalar();
    std::string what = header.id();
    FieldReader fields(item, what, attributes, &errors_);
    fields.Raw(type->name);
    std::vector<std::string> actions = type->actions;
    actions.push_back("nothing");
    header.actions = fields.StringList("action");
    for (const std::string& a : header.actions) {
      if (std::find(actions.begin(), actions.end(), a) == actions.end()) {
        fields.Error("action",
                     absl::StrCat("'", a, "' is not one of: ", absl::StrJoin(actions, ", ")));
      }
    }
    if (header.actions.size() > 1 && std::find(header.actions.begin(), header.actions.end(),
                                               "nothing") != header.actions.end()) {
      fields.Error("action", "'nothing' cannot be combined with other actions");
    }
    if (header.actions.empty()) {
      header.actions = type->default_actions.empty()
                           ? std::vector<std::string>{type->actions.front()}
                           : type->default_actions;
    }
    header.ignore_failure = fields.Bool("ignore_failure", false);
    header.sensitive = fields.Bool("sensitive", false);
    header.only_if = ReadGuard(fields, "only_if");
    header.not_if = ReadGuard(fields, "not_if");
    header.creates = fields.String("creates").value_or("");
    header.notifies = ReadNotifications(fields, what, &errors_);

    auto [seen, fresh] = declared_.emplace(what, header.mark);
    if (!fresh) {
      errors_.Add(header.mark, absl::StrCat(what, " is declared twice (first at ",
                                            seen->second.ToString(), ")"));
    }
    size_t errors_before = errors_.errors().size();
    std::unique_ptr<Resource> resource = type->parse(std::move(header), fields, cookbook);
    fields.RejectUnknown();
    if (errors_.errors().size() != errors_before) return nullptr;
    return resource;
  }

  void CheckNotifications(const RunList& run) {
    for (const auto& resource : run.resources) {
      for (const Notification& n : resource->header().notifies) {
        Resource* target = run.Find(n.target);
        if (target == nullptr) {
          errors_.Add(n.mark, absl::StrCat(resource->id(), ": notifies ", n.target,
                                           ", which is not declared (write it as type[name])"));
          continue;
        }
        const ResourceType* type = FindResourceType(target->header().type);
        if (std::find(type->actions.begin(), type->actions.end(), n.action) ==
            type->actions.end()) {
          errors_.Add(n.mark, absl::StrCat(resource->id(), ": ", target->header().type,
                                           " has no action '", n.action,
                                           "' (it has: ", absl::StrJoin(type->actions, ", "), ")"));
        }
      }
    }
  }

  const LoadOptions& options_;
  std::optional<yaml::Node> role_health_;  // the role's health: list, read last
  yaml::ValidationErrors errors_;
  std::map<std::string, yaml::Mark> declared_;
};

}  // namespace

Resource* RunList::Find(const std::string& id) const {
  for (const auto& r : resources) {
    if (r->id() == id) return r.get();
  }
  return nullptr;
}

absl::StatusOr<RunList> LoadRunList(const LoadOptions& options) { return Loader(options).Load(); }

}  // namespace dm::cookbook
