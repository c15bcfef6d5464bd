#include "controller/fleet/model/fleet_file.h"

#include <unistd.h>

#include <cctype>
#include <filesystem>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/attributes.h"
#include "common/files.h"
#include "common/status_macros.h"
#include "common/yaml/field_reader.h"
#include "common/yaml/yaml_tree.h"

namespace dm {
namespace {

using yaml::FieldReader;
using yaml::ValidationErrors;

// Fleets stay small enough to read in a table; the provider's own limits come on top.
constexpr int kMaxServersPerRole = 50;

bool IsDnsName(const std::string& name) {
  if (name.empty() || name.size() > 253) return false;
  for (absl::string_view label : absl::StrSplit(name, '.')) {
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-')
      return false;
    for (char c : label) {
      if (!std::islower(static_cast<unsigned char>(c)) &&
          !std::isdigit(static_cast<unsigned char>(c)) && c != '-') {
        return false;
      }
    }
  }
  return true;
}

bool IsProviderName(const std::string& name) {
  if (name.empty() || name.size() > 32 || name.front() == '-') return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '-';
  });
}

void ReadRoles(const yaml::Node* roles, const std::string& deploy_dir, FieldReader& fields,
               ValidationErrors* errors, FleetFile* fleet) {
  if (roles == nullptr || !roles->IsMap() || roles->entries().empty()) {
    fields.Error("roles", "must map role names to server counts, such as 'appnode: 2'");
    return;
  }
  for (const auto& [key, entry] : roles->entries()) {
    FleetRole role;
    role.role = key.scalar();
    role.key_mark = key.mark();
    std::string where = absl::StrCat("fleet: roles: ", role.role);
    // "appnode: 2", or "appnode: {count: 2, size: ...}" for a role placed apart.
    const yaml::Node* count = &entry;
    if (entry.IsMap()) {
      FieldReader fields(entry, where, errors);
      count = fields.Raw("count");
      role.placement.region = fields.String("region").value_or("");
      role.placement.image = fields.String("image").value_or("");
      role.placement.size = fields.String("size").value_or("");
      fields.RejectUnknown();
      if (count == nullptr) {
        errors->Add(entry.mark(), absl::StrCat(where, ": count: is required"));
        continue;
      }
    }
    const yaml::Node& value = *count;
    role.count_mark = value.mark();
    if (!value.IsScalar() || !absl::SimpleAtoi(value.scalar(), &role.count) || role.count < 0 ||
        role.count > kMaxServersPerRole) {
      errors->Add(value.mark(), absl::StrCat(where, ": the count must be a number from 0 to ",
                                             kMaxServersPerRole));
      continue;
    }
    absl::StatusOr<std::vector<Service>> provides = ReadRoleServices(deploy_dir, role.role);
    if (!provides.ok()) {
      errors->Add(key.mark(), absl::StrCat(where, ": ", provides.status().message()));
      continue;
    }
    role.provides = std::move(*provides);
    absl::StatusOr<std::vector<std::string>> ladder = ReadRoleRemediation(deploy_dir, role.role);
    if (!ladder.ok()) {
      errors->Add(key.mark(), absl::StrCat(where, ": ", ladder.status().message()));
      continue;
    }
    role.remediation = std::move(*ladder);
    fleet->roles.push_back(std::move(role));
  }
}

void ReadSecrets(const yaml::Node* secrets, ValidationErrors* errors, FleetFile* fleet) {
  if (secrets == nullptr || secrets->IsNull()) return;
  if (!secrets->IsMap()) {
    errors->Add(secrets->mark(),
                "fleet: secrets: must map attributes to where their value comes from");
    return;
  }
  for (const auto& [key, value] : secrets->entries()) {
    std::string where = absl::StrCat("fleet: secrets: ", key.scalar());
    FleetSecret secret;
    secret.attribute = key.scalar();
    const yaml::Node* generate = value.IsMap() ? value.Find("generate") : nullptr;
    if (generate == nullptr || value.entries().size() != 1) {
      errors->Add(value.mark(),
                  absl::StrCat(where,
                               ": must be {generate: LENGTH} (the controller generates the "
                               "value once and keeps it)"));
      continue;
    }
    if (!generate->IsScalar() || !absl::SimpleAtoi(generate->scalar(), &secret.generate) ||
        secret.generate < 16 || secret.generate > 128) {
      errors->Add(generate->mark(),
                  absl::StrCat(where, ": generate: the length must be a number from 16 to 128"));
      continue;
    }
    fleet->secrets.push_back(std::move(secret));
  }
}

void ReadBackups(const yaml::Node* backups, ValidationErrors* errors, FleetFile* fleet) {
  if (backups == nullptr || backups->IsNull()) return;
  FieldReader fields(*backups, "fleet: backups", errors);
  if (!backups->IsMap()) {
    fields.Error("", "must be a map such as {every: 24h, keep: 7}");
    return;
  }
  if (std::optional<std::string> every = fields.String("every")) {
    if (!absl::ParseDuration(*every, &fleet->backups.every) ||
        fleet->backups.every < absl::Minutes(1)) {
      fields.Error("every",
                   absl::StrCat("must be a duration of a minute or more, such as 6h or 30m, not '",
                                *every, "'"));
    }
  }
  fleet->backups.keep = static_cast<int>(fields.Integer("keep", 1, 1000).value_or(0));
  fields.RejectUnknown();
}

void ReadHeal(const yaml::Node* heal, ValidationErrors* errors, FleetFile* fleet) {
  if (heal == nullptr || heal->IsNull()) return;
  FieldReader fields(*heal, "fleet: heal", errors);
  if (!heal->IsMap()) {
    fields.Error("", "must be a map such as {database: restore-latest}");
    return;
  }
  fleet->heal.restore_database =
      fields.Choice("database", {"never", "restore-latest"}, "never") == "restore-latest";
  fields.RejectUnknown();
}

void ReadDeploy(const yaml::Node* deploy, ValidationErrors* errors, FleetFile* fleet) {
  if (deploy == nullptr || deploy->IsNull()) return;
  FieldReader fields(*deploy, "fleet: deploy", errors);
  if (!deploy->IsMap()) {
    fields.Error("", "must be a map such as {settle: 20s, watch: 2m}");
    return;
  }
  if (std::optional<absl::Duration> settle = fields.Seconds("settle"))
    fleet->deploy.settle = *settle;
  if (std::optional<absl::Duration> watch = fields.Seconds("watch")) fleet->deploy.watch = *watch;
  fields.RejectUnknown();
}

void ReadDns(const yaml::Node* dns, ValidationErrors* errors, FleetFile* fleet) {
  fleet->dns.zone = fleet->domain;
  if (dns == nullptr || dns->IsNull()) return;
  FieldReader fields(*dns, "fleet: dns", errors);
  if (!dns->IsMap()) {
    fields.Error("", "must be a map such as {provider: bind, zone: example.com}");
    return;
  }
  fleet->dns.provider = fields.String("provider").value_or("local");
  std::string zone =
      absl::AsciiStrToLower(absl::StripSuffix(fields.String("zone").value_or(fleet->domain), "."));
  if (zone != fleet->domain && !absl::EndsWith(fleet->domain, "." + zone)) {
    fields.Error("zone", absl::StrCat("'", zone, "' does not hold the domain ", fleet->domain));
  }
  fleet->dns.zone = zone;
  fields.RejectUnknown();
}

void ReadMedia(const yaml::Node* node, ValidationErrors* errors, FleetFile* fleet) {
  if (node == nullptr || node->IsNull()) return;
  FieldReader fields(*node, "fleet: media", errors);
  if (!node->IsMap()) {
    fields.Error("", "must be a map such as {store: media} (a storage: entry of --providers)");
    return;
  }
  fleet->media.store = fields.RequiredString("store");
  if (!fleet->media.store.empty() && !IsProviderName(fleet->media.store))
    fields.Error("store", "1 to 32 of a-z, 0-9 and '-': a storage: entry of --providers");
  fields.RejectUnknown();
}

// The fleet as a whole: one database and one cache at most, an app needs its database.
void CheckShape(const yaml::Node& root, ValidationErrors* errors, const FleetFile& fleet) {
  auto count = [&](Service s) {
    int n = 0;
    for (const FleetRole& role : fleet.roles) n += role.Provides(s) ? role.count : 0;
    return n;
  };
  const yaml::Node* roles = root.Find("roles");
  yaml::Mark at = roles ? roles->mark() : root.mark();
  if (count(Service::kDatabase) > 1) {
    errors->Add(at,
                "fleet: roles: at most one server may provide the database (it is not replicated)");
  }
  if (count(Service::kCache) > 1)
    errors->Add(at, "fleet: roles: at most one server may provide the cache");
  if (count(Service::kLogs) > 1)
    errors->Add(at, "fleet: roles: at most one server may collect the logs (lognode)");
  if (count(Service::kApp) > 0 && count(Service::kDatabase) == 0) {
    errors->Add(at,
                "fleet: roles: the app needs a database: add a role that provides it (dbserver)");
  }
  if (count(Service::kLoadBalancer) > 0 && count(Service::kApp) == 0) {
    errors->Add(at,
                "fleet: roles: a load balancer needs app nodes to send to: add a role that "
                "provides the app (appnode)");
  }
  if (count(Service::kTasks) > 0) {
    if (fleet.app.worker.empty()) {
      errors->Add(root.mark(),
                  "fleet: task nodes run the app's worker: add app: worker: (such as python3 -m "
                  "celery -A mysite worker)");
    }
    if (fleet.cache != "redis" || count(Service::kCache) == 0) {
      errors->Add(at,
                  "fleet: roles: task nodes take their tasks from Redis: add cache: redis and a "
                  "role that provides the cache (cachenode)");
    }
    if (count(Service::kDatabase) == 0) {
      errors->Add(at, "fleet: roles: task nodes need the app's database: add a dbserver");
    }
  }
  if ((count(Service::kApp) > 0 || count(Service::kTasks) > 0) && fleet.app.repository.empty()) {
    errors->Add(root.mark(),
                "fleet: the app nodes need app: repository: (the application's git repository)");
  }
  for (const FleetRole& role : fleet.roles) {
    // A replacement's name is one character longer ("...-2r").
    if (FleetServerName(fleet.name, role.role, role.count).size() > 31) {
      errors->Add(at,
                  absl::StrCat("fleet: roles: ", role.role, ": server names (",
                               FleetServerName(fleet.name, role.role, role.count),
                               ") would be longer than 31 characters: shorten the fleet's name"));
    }
  }
}

}  // namespace

bool FleetRole::Provides(Service s) const {
  for (Service p : provides) {
    if (p == s) return true;
  }
  return false;
}

const FleetRole* FleetFile::Find(const std::string& role) const {
  for (const FleetRole& r : roles) {
    if (r.role == role) return &r;
  }
  return nullptr;
}

ServerPlacement FleetFile::PlacementOf(const std::string& role) const {
  ServerPlacement placement = this->placement;
  if (const FleetRole* r = Find(role)) {
    if (!r->placement.region.empty()) placement.region = r->placement.region;
    if (!r->placement.image.empty()) placement.image = r->placement.image;
    if (!r->placement.size.empty()) placement.size = r->placement.size;
  }
  return placement;
}

absl::StatusOr<std::string> ReplaceScalarAt(const std::string& text, const yaml::Mark& mark,
                                            const std::string& old_value,
                                            const std::string& new_value) {
  size_t at = 0;
  for (int line = 1; line < mark.line && at != std::string::npos; ++line) {
    at = text.find('\n', at);
    if (at != std::string::npos) ++at;
  }
  if (at == std::string::npos || mark.column < 1)
    return absl::InvalidArgumentError("the position is past the text");
  at += static_cast<size_t>(mark.column - 1);
  if (text.compare(at, old_value.size(), old_value) != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(mark.ToString(), ": '", old_value, "' is not written there"));
  }
  return absl::StrCat(text.substr(0, at), new_value, text.substr(at + old_value.size()));
}

absl::StatusOr<std::string> SplitRole(const std::string& text, const FleetRole& role,
                                      const std::string& renamed, const std::string& added) {
  DM_ASSIGN_OR_RETURN(std::string out, ReplaceScalarAt(text, role.key_mark, role.role, renamed));
  // The line the role is on, and how it is indented.
  size_t line_start = 0;
  for (int line = 1; line < role.key_mark.line; ++line) line_start = out.find('\n', line_start) + 1;
  size_t line_end = out.find('\n', line_start);
  if (line_end == std::string::npos) line_end = out.size();
  const std::string line = out.substr(line_start, line_end - line_start);
  const size_t key_at = static_cast<size_t>(role.key_mark.column - 1);
  if (line.find('{') != std::string::npos && line.find('{') < key_at) {
    // Flow style: roles: {dbappbalancer: 1} -> roles: {appbalancer: 1, dbserver: 1}
    size_t value_end = line.find_first_of(",}", key_at);
    if (value_end == std::string::npos)
      return absl::InvalidArgumentError("cannot find the end of the role's entry");
    return absl::StrCat(out.substr(0, line_start + value_end), ", ", added, ": 1",
                        out.substr(line_start + value_end));
  }
  return absl::StrCat(out.substr(0, line_end), "\n", std::string(key_at, ' '), added, ": 1",
                      out.substr(line_end));
}

bool IsFleetName(const std::string& name) {
  if (name.empty() || name.size() > 15 || !std::islower(static_cast<unsigned char>(name[0])))
    return false;
  for (char c : name) {
    if (!std::islower(static_cast<unsigned char>(c)) &&
        !std::isdigit(static_cast<unsigned char>(c)) && c != '-') {
      return false;
    }
  }
  return name.back() != '-';
}

std::string FleetServerName(const std::string& fleet, const std::string& role, int index) {
  return absl::StrCat(fleet, "-", role, "-", index);
}

std::string ReplacementName(const std::string& slot, const std::string& current) {
  return current == slot ? slot + "r" : slot;
}

namespace {

// "appnode, dbserver, ..." : the roles a fleet may name, for a message about one it may not.
std::string KnownRoles(const std::string& deploy_dir) {
  std::set<std::string> roles;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(deploy_dir + "/roles", ec)) {
    std::string name = entry.path().filename().string();
    if (absl::EndsWith(name, ".yaml") && name.front() != '.')
      roles.insert(name.substr(0, name.size() - 5));
  }
  return absl::StrJoin(roles, ", ");
}

}  // namespace

absl::StatusOr<std::vector<Service>> ReadRoleServices(const std::string& deploy_dir,
                                                      const std::string& role) {
  std::string path = absl::StrCat(deploy_dir, "/roles/", role, ".yaml");
  if (role.empty() || absl::StrContains(role, "/") || role.front() == '.' ||
      ::access(path.c_str(), R_OK) != 0) {
    return absl::NotFoundError(absl::StrCat("no role '", role, "' (roles: ", KnownRoles(deploy_dir),
                                            "; in ", deploy_dir, "/roles)"));
  }
  absl::StatusOr<yaml::Node> root = yaml::ParseFile(path);
  if (!root.ok()) return root.status();
  std::vector<Service> services;
  const yaml::Node* provides = root->IsMap() ? root->Find("provides") : nullptr;
  if (provides == nullptr || !provides->IsSequence()) {
    return absl::FailedPreconditionError(
        absl::StrCat(path,
                     " says nothing about what the role provides (provides: "
                     "[database, cache, app, loadbalancer])"));
  }
  for (const yaml::Node& item : provides->items()) {
    const std::string& s = item.scalar();
    if (s == "database")
      services.push_back(Service::kDatabase);
    else if (s == "cache")
      services.push_back(Service::kCache);
    else if (s == "app")
      services.push_back(Service::kApp);
    else if (s == "loadbalancer")
      services.push_back(Service::kLoadBalancer);
    else if (s == "tasks")
      services.push_back(Service::kTasks);
    else if (s == "logs")
      services.push_back(Service::kLogs);
    else
      return absl::FailedPreconditionError(
          absl::StrCat(path, ": provides: unknown service '", s, "'"));
  }
  return services;
}

absl::StatusOr<std::vector<std::string>> ReadRoleRemediation(const std::string& deploy_dir,
                                                             const std::string& role) {
  std::string path = absl::StrCat(deploy_dir, "/roles/", role, ".yaml");
  absl::StatusOr<yaml::Node> root = yaml::ParseFile(path);
  if (!root.ok()) return root.status();
  const yaml::Node* ladder = root->IsMap() ? root->Find("remediation") : nullptr;
  if (ladder == nullptr || ladder->IsNull()) return FleetRole().remediation;
  if (!ladder->IsSequence()) {
    return absl::FailedPreconditionError(
        absl::StrCat(path, ": remediation: must be a list such as [restart, reconverge, replace]"));
  }
  std::vector<std::string> steps;
  for (const yaml::Node& item : ladder->items()) {
    const std::string& step = item.scalar();
    if (step != "restart" && step != "reconverge" && step != "replace") {
      return absl::FailedPreconditionError(
          absl::StrCat(item.mark().ToString(), ": remediation: '", step,
                       "' is not one of restart, reconverge, replace"));
    }
    steps.push_back(step);
  }
  return steps;
}

std::string FleetNameIn(const std::string& text) {
  absl::StatusOr<yaml::Node> root = yaml::Parse(text, "fleet.yaml");
  if (!root.ok() || !root->IsMap()) return "";
  const yaml::Node* name = root->Find("name");
  return name != nullptr && name->IsScalar() ? name->scalar() : "";
}

absl::StatusOr<FleetFile> ParseFleetFile(const std::string& text, const std::string& path,
                                         const std::string& deploy_dir) {
  absl::StatusOr<yaml::Node> root = yaml::Parse(text, path);
  if (!root.ok()) return root.status();
  ValidationErrors errors;
  FleetFile fleet;
  if (!root->IsMap()) {
    errors.Add(root->mark(), "fleet: a fleet file is a map with name:, domain:, roles: ...");
    return errors.ToStatus();
  }
  FieldReader fields(*root, "fleet", &errors);
  fleet.deploy_dir = deploy_dir;
  fleet.name = fields.RequiredString("name");
  if (!fleet.name.empty() && !IsFleetName(fleet.name)) {
    fields.Error("name",
                 "must be 1 to 15 lower-case letters, digits and '-', starting with a letter");
  }
  fleet.domain = fields.RequiredString("domain");
  if (!fleet.domain.empty() && !IsDnsName(fleet.domain)) {
    fields.Error("domain", "must be a DNS name in lower case, such as 'shop.example.com'");
  }
  // Any provider's name: whether the controller has it is its to say (before anything boots).
  fleet.provider = fields.String("provider").value_or("local");
  if (!IsProviderName(fleet.provider)) {
    fields.Error("provider",
                 "must be local or a cloud provider's name from the controller's "
                 "--providers file (a-z, 0-9, '-')");
  }
  fleet.placement.region = fields.String("region").value_or("");
  fleet.placement.image = fields.String("image").value_or("");
  fleet.placement.size = fields.String("size").value_or("");
  ReadRoles(fields.Raw("roles"), deploy_dir, fields, &errors, &fleet);
  if (const yaml::Node* attributes = fields.Raw("attributes");
      attributes && !attributes->IsNull()) {
    if (attributes->IsMap())
      fleet.attributes = AttributesFromYaml(*attributes);
    else
      fields.Error("attributes", "must be a map");
  }
  fleet.cache = fields.Choice("cache", {"memcached", "redis"}, "memcached");
  ReadSecrets(fields.Raw("secrets"), &errors, &fleet);
  // After the secrets: the app's environment may name them.
  if (const yaml::Node* app = fields.Raw("app"); app && !app->IsNull()) {
    std::vector<std::string> secrets;
    for (const FleetSecret& secret : fleet.secrets) secrets.push_back(secret.attribute);
    ReadFleetApp(*app, path, secrets, &errors, &fleet.app);
  }
  ReadBackups(fields.Raw("backups"), &errors, &fleet);
  ReadHeal(fields.Raw("heal"), &errors, &fleet);
  ReadDeploy(fields.Raw("deploy"), &errors, &fleet);
  ReadDns(fields.Raw("dns"), &errors, &fleet);
  ReadMedia(fields.Raw("media"), &errors, &fleet);
  fields.RejectUnknown();
  if (errors.empty()) CheckShape(*root, &errors, fleet);
  if (!errors.empty()) return errors.ToStatus();
  return fleet;
}

}  // namespace dm
