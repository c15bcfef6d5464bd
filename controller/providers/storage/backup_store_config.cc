#include "controller/providers/storage/backup_store_config.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "common/files.h"
#include "common/http/url.h"
#include "common/status_macros.h"
#include "common/yaml/yaml_tree.h"
#include "controller/providers/storage/local_directory_store.h"
#include "controller/providers/storage/s3_store.h"
#include "controller/providers/storage/swift_store.h"

namespace dm {
namespace {

using yaml::FieldReader;
using yaml::ValidationErrors;

// Container and bucket names: what both APIs accept in a path without surprises.
bool IsStoreName(const std::string& name) {
  if (name.size() < 3 || name.size() > 63) return false;
  for (char c : name) {
    if (!absl::ascii_islower(c) && !absl::ascii_isdigit(c) && c != '-' && c != '.') return false;
  }
  return true;
}

}  // namespace

StoreSettings ReadStoreSettings(FieldReader& fields, const std::vector<std::string>& types) {
  StoreSettings settings;
  const std::string listed = absl::StrJoin(types, ", ");
  settings.type = fields.Choice("type", types, "");
  if (settings.type == "swift") {
    SwiftOptions& o = settings.swift;
    o.auth_url = fields.RequiredString("auth_url");
    o.user = fields.RequiredString("user");
    o.key = fields.Secret("key");
    o.container = fields.String("container").value_or("dm-backups");
    // Keystone's URLs end in /v3; anything else is a v1 endpoint unless the file says.
    const std::string inferred =
        absl::EndsWith(absl::StripSuffix(o.auth_url, "/"), "/v3") ? "3" : "1";
    o.auth_version = fields.Choice("auth_version", {"1", "3"}, inferred) == "3" ? 3 : 1;
    o.project = fields.String("project").value_or("");
    o.domain = fields.String("domain").value_or("Default");
    o.region = fields.String("region").value_or("");
    if (!o.auth_url.empty() && !IsHttpUrl(o.auth_url))
      fields.Error("auth_url", "must be an http:// or https:// URL");
    if (o.auth_version == 3 && o.project.empty())
      fields.Error("", "Keystone (v3) needs project: (the user's project)");
    if (o.auth_version == 1 && fields.Raw("project")) {
      fields.Error("project", "only for Keystone (auth_version: 3 or an auth_url ending in /v3)");
    }
    if (!IsStoreName(o.container)) fields.Error("container", "3 to 63 of a-z, 0-9, '-' and '.'");
  } else if (settings.type == "s3") {
    S3Options& o = settings.s3;
    o.endpoint = fields.RequiredString("endpoint");
    o.region = fields.String("region").value_or("us-east-1");
    o.bucket = fields.RequiredString("bucket");
    o.access_key = fields.RequiredString("access_key");
    o.secret_key = fields.Secret("secret_key");
    o.virtual_hosted = fields.Choice("addressing", {"path", "virtual"}, "path") == "virtual";
    if (!o.endpoint.empty() && !IsHttpUrl(o.endpoint))
      fields.Error("endpoint", "must be an http:// or https:// URL");
    if (!o.bucket.empty() && !IsStoreName(o.bucket))
      fields.Error("bucket", "3 to 63 of a-z, 0-9, '-' and '.'");
  } else if (settings.type == "directory") {
    settings.directory = fields.RequiredString("path");
    if (!settings.directory.empty() && settings.directory.front() != '/')
      fields.Error("path", "must be an absolute path");
  } else if (!fields.Raw("type")) {
    fields.Error("", absl::StrCat("type: is required (", listed, ")"));
  }
  return settings;
}

std::unique_ptr<ObjectStore> MakeObjectStore(const StoreSettings& settings, HttpClient* http) {
  if (settings.type == "swift") return std::make_unique<SwiftObjectStore>(http, settings.swift);
  if (settings.type == "s3") return std::make_unique<S3ObjectStore>(http, settings.s3);
  if (settings.type == "directory")
    return std::make_unique<LocalDirectoryStore>(settings.directory);
  return nullptr;
}

absl::StatusOr<std::unique_ptr<ObjectStore>> ParseBackupStore(const std::string& text,
                                                              const std::string& path,
                                                              HttpClient* http) {
  DM_ASSIGN_OR_RETURN(yaml::Node root, yaml::Parse(text, path));
  ValidationErrors errors;
  if (!root.IsMap()) {
    errors.Add(root.mark(),
               "backup store: a map with type: (swift, s3 or directory) and its settings");
    return errors.ToStatus();
  }
  FieldReader fields(root, "backup store", &errors);
  StoreSettings settings = ReadStoreSettings(fields, {"swift", "s3", "directory"});
  fields.RejectUnknown();
  if (!errors.empty()) return errors.ToStatus();
  return MakeObjectStore(settings, http);
}

absl::StatusOr<std::unique_ptr<ObjectStore>> OpenBackupStore(const std::string& path,
                                                             HttpClient* http) {
  DM_ASSIGN_OR_RETURN(std::string text, ReadPrivateFile(path, "the store's credentials"));
  return ParseBackupStore(text, path, http);
}

}  // namespace dm
