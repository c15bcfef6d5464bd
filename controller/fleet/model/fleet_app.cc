#include "controller/fleet/model/fleet_app.h"

#include <algorithm>
#include <regex>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/files.h"
#include "common/http/url.h"
#include "common/yaml/field_reader.h"

namespace dm {
namespace {

using yaml::FieldReader;

bool IsUrl(const std::string& text) {
  return absl::StrContains(text, "://") || absl::StartsWith(text, "git@");
}

// pip reads the URL as one argument of its options line: no spaces.
bool IsPipUrl(const std::string& text) {
  return IsHttpUrl(text) &&
         std::none_of(text.begin(), text.end(), [](char c) { return absl::ascii_isspace(c); });
}

// A path inside the repository: relative, no "..", no spaces (pip and nginx read it as is).
bool IsInside(const std::string& path) {
  return !path.empty() && path.front() != '/' && !absl::StrContains(path, "..") &&
         std::none_of(path.begin(), path.end(),
                      [](char c) { return absl::ascii_isspace(c) || absl::ascii_iscntrl(c); });
}

// Users and services a host already has or DeployMachine makes: the app may not take their name.
bool IsReservedName(const std::string& name) {
  static const char* const kReserved[] = {"root",     "deploy",   "dm-agent", "nginx",
                                          "www-data", "postgres", "memcache", "redis",
                                          "daemon",   "nobody",   "ssh",      "systemd"};
  return std::any_of(std::begin(kReserved), std::end(kReserved),
                     [&](const char* r) { return name == r; });
}

// The ports other roles listen on, which a combined host runs beside the app.
bool IsTakenPort(int port) { return port == 5432 || port == 6379 || port == 11211; }

void ReadEnv(const yaml::Node* env, const std::vector<std::string>& secrets, FieldReader& fields,
             yaml::ValidationErrors* errors, FleetApp* app) {
  if (env == nullptr || env->IsNull()) return;
  if (!env->IsMap()) {
    fields.Error("env", "must map variable names to values or {secret: NAME}");
    return;
  }
  static const std::regex kName("[A-Za-z_][A-Za-z0-9_]*");
  for (const auto& [key, value] : env->entries()) {
    const std::string where = absl::StrCat("fleet: app: env: ", key.scalar());
    FleetAppVariable variable;
    variable.name = key.scalar();
    if (!std::regex_match(variable.name, kName)) {
      errors->Add(key.mark(), absl::StrCat(where, ": a variable name is letters, digits and '_'"));
      continue;
    }
    if (absl::StartsWith(variable.name, "DM_")) {
      errors->Add(key.mark(), absl::StrCat(where,
                                           ": DM_ names are DeployMachine's own (DM_DB_HOST, "
                                           "DM_CACHE, ...: docs/apps.md)"));
      continue;
    }
    if (value.IsScalar()) {
      variable.value = value.scalar();
      if (absl::StrContains(variable.value, '\n')) {
        errors->Add(value.mark(), absl::StrCat(where, ": must be one line"));
        continue;
      }
    } else {
      const yaml::Node* secret = value.IsMap() ? value.Find("secret") : nullptr;
      if (secret == nullptr || !secret->IsScalar() || value.entries().size() != 1) {
        errors->Add(value.mark(),
                    absl::StrCat(where,
                                 ": must be a value or {secret: NAME}, NAME one of the "
                                 "fleet's secrets:"));
        continue;
      }
      variable.secret = secret->scalar();
      if (std::find(secrets.begin(), secrets.end(), variable.secret) == secrets.end()) {
        errors->Add(secret->mark(),
                    absl::StrCat(where, ": secret '", variable.secret,
                                 "' is not one of the fleet's secrets: (add it there, such as '",
                                 variable.secret, ": {generate: 48}')"));
        continue;
      }
    }
    app->env.push_back(std::move(variable));
  }
}

void ReadServer(FieldReader& fields, FleetApp* app) {
  std::optional<std::string> wsgi = fields.String("wsgi");
  std::optional<std::string> asgi = fields.String("asgi");
  if (wsgi && asgi) {
    fields.Error("asgi", "wsgi: or asgi:, not both");
    return;
  }
  if (!wsgi && !asgi) {
    fields.Error("", "needs wsgi: MODULE:CALLABLE (gunicorn) or asgi: MODULE:CALLABLE (uvicorn)");
    return;
  }
  app->server = wsgi ? "gunicorn" : "uvicorn";
  app->entry = wsgi ? *wsgi : *asgi;
  static const std::regex kEntry(
      "[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*:[A-Za-z_][A-Za-z0-9_.]*");
  if (!std::regex_match(app->entry, kEntry)) {
    fields.Error(wsgi ? "wsgi" : "asgi",
                 absl::StrCat("must be MODULE:CALLABLE, such as mysite.wsgi:application, not '",
                              app->entry, "'"));
  }
}

}  // namespace

void ReadFleetApp(const yaml::Node& node, const std::string& fleet_path,
                  const std::vector<std::string>& secrets, yaml::ValidationErrors* errors,
                  FleetApp* app) {
  FieldReader fields(node, "fleet: app", errors);
  if (!node.IsMap()) {
    fields.Error("", "must be a map with repository:, wsgi: (or asgi:) and the app's settings");
    return;
  }
  app->repository = fields.RequiredString("repository");
  app->path = fields.String("path").value_or(".");
  app->revision = fields.String("revision").value_or("HEAD");
  if (!app->repository.empty() && !IsUrl(app->repository) && app->repository.front() != '/') {
    app->repository = absl::StrCat(Dirname(fleet_path), "/", app->repository);
  }
  if (app->path != "." && !IsInside(app->path)) {
    fields.Error("path", "must be a folder inside the repository, such as 'src/app' or '.'");
  }
  if (app->revision.empty() || app->revision.front() == '-') {
    fields.Error("revision", "must be a branch, tag or commit");
  }

  app->name = fields.String("name").value_or("app");
  static const std::regex kName("[a-z][a-z0-9-]{0,30}");
  if (!std::regex_match(app->name, kName)) {
    fields.Error("name", "must be lower-case letters, digits and '-', starting with a letter");
  } else if (IsReservedName(app->name)) {
    fields.Error("name", absl::StrCat("'", app->name, "' is a system user's or service's name"));
  }
  ReadServer(fields, app);
  app->workers = static_cast<int>(fields.Integer("workers", 1, 64).value_or(2));
  app->port = static_cast<int>(fields.Integer("port", 1024, 65535).value_or(8000));
  if (IsTakenPort(app->port)) {
    fields.Error("port", absl::StrCat(app->port,
                                      " is another role's (PostgreSQL 5432, Redis 6379, "
                                      "memcached 11211)"));
  }
  app->health = fields.String("health").value_or("/health");
  if (app->health.empty() || app->health.front() != '/' ||
      std::any_of(app->health.begin(), app->health.end(),
                  [](char c) { return absl::ascii_isspace(c) || absl::ascii_iscntrl(c); })) {
    fields.Error("health", "must be a path such as /health");
  }

  static const std::regex kPackage("[a-z0-9][a-z0-9+.-]+");
  for (const std::string& package : fields.StringList("packages")) {
    if (!std::regex_match(package, kPackage)) {
      fields.Error("packages", absl::StrCat("'", package, "' is not a Debian package name"));
    }
    app->packages.push_back(package);
  }
  app->requirements = fields.String("requirements").value_or("");
  if (!app->requirements.empty() && !IsInside(app->requirements)) {
    fields.Error("requirements", "must be a file in the app's folder, such as requirements.txt");
  }
  app->pip_index = fields.String("pip_index").value_or("");
  if (!app->pip_index.empty() && !IsPipUrl(app->pip_index)) {
    fields.Error("pip_index", "must be an http:// or https:// URL (a simple index)");
  }
  app->pip_find_links = fields.String("pip_find_links").value_or("");
  if (!app->pip_find_links.empty() && !IsPipUrl(app->pip_find_links) &&
      !IsInside(app->pip_find_links)) {
    fields.Error("pip_find_links",
                 "must be an http:// or https:// URL, or a folder in the repository");
  }
  if ((!app->pip_index.empty() || !app->pip_find_links.empty()) && app->requirements.empty()) {
    fields.Error("requirements", "is what pip_index and pip_find_links are for: name the file");
  }

  ReadEnv(fields.Raw("env"), secrets, fields, errors, app);
  app->migrate = fields.String("migrate").value_or("");
  app->collectstatic = fields.String("collectstatic").value_or("");
  app->worker = fields.String("worker").value_or("");
  if (app->worker.find('\n') != std::string::npos)
    fields.Error("worker", "must be one command line");
  app->static_dir = fields.String("static").value_or("");
  if (!app->static_dir.empty() && !IsInside(app->static_dir)) {
    fields.Error("static", "must be a folder in the app's folder, such as static");
  }
  if (!app->collectstatic.empty() && app->static_dir.empty()) {
    fields.Error("static", "says where collectstatic collects to (STATIC_ROOT): name the folder");
  }
  app->release = fields.StringList("release");
  fields.RejectUnknown();
}

}  // namespace dm
