#include "controller/providers/providers_config.h"

#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "common/files.h"
#include "common/host_port.h"
#include "common/http/url.h"
#include "common/status_macros.h"
#include "common/yaml/field_reader.h"
#include "common/yaml/yaml_tree.h"
#include "controller/providers/cloud/digitalocean_provider.h"
#include "controller/providers/cloud/ec2_provider.h"
#include "controller/providers/cloud/hetzner_provider.h"
#include "controller/providers/cloud/openstack_provider.h"
#include "controller/providers/dns/cloudflare_provider.h"
#include "controller/providers/dns/dnsimple_provider.h"
#include "controller/providers/dns/powerdns_provider.h"
#include "controller/providers/dns/rfc2136_provider.h"

namespace dm {
namespace {

using yaml::FieldReader;
using yaml::ValidationErrors;

bool IsProviderName(const std::string& name) {
  if (name.empty() || name.size() > 32 || name.front() == '-') return false;
  for (char c : name) {
    if (!absl::ascii_islower(c) && !absl::ascii_isdigit(c) && c != '-') return false;
  }
  return true;
}

std::unique_ptr<DnsProvider> ReadPowerDns(FieldReader& fields, HttpClient* http) {
  std::string url = fields.RequiredString("api_url");
  std::string key = fields.Secret("api_key");
  std::string server = fields.String("server_id").value_or("localhost");
  if (!url.empty() && !IsHttpUrl(url))
    fields.Error("api_url", "must be an http:// or https:// URL");
  return std::make_unique<PowerDnsProvider>(http, std::string(absl::StripSuffix(url, "/")), key,
                                            server);
}

// api_token (secret), account_id (optional: the token's own), api_url (optional: the sandbox).
std::unique_ptr<DnsProvider> ReadDnsimple(FieldReader& fields, HttpClient* http) {
  DnsimpleOptions o;
  o.api_token = fields.Secret("api_token");
  o.account_id = fields.String("account_id").value_or("");
  o.api_url = fields.String("api_url").value_or(o.api_url);
  if (!IsHttpUrl(o.api_url)) fields.Error("api_url", "must be an http:// or https:// URL");
  return std::make_unique<DnsimpleProvider>(http, o);
}

// api_token (secret), account_id (optional: only to add zones), api_url (optional).
std::unique_ptr<DnsProvider> ReadCloudflare(FieldReader& fields, HttpClient* http) {
  CloudflareOptions o;
  o.api_token = fields.Secret("api_token");
  o.account_id = fields.String("account_id").value_or("");
  o.api_url = fields.String("api_url").value_or(o.api_url);
  if (!IsHttpUrl(o.api_url)) fields.Error("api_url", "must be an http:// or https:// URL");
  return std::make_unique<CloudflareProvider>(http, o);
}

// api_token (secret); region, size, image: the defaults for servers whose fleet does not say.
std::unique_ptr<CloudProvider> ReadHostedCloud(FieldReader& fields, const std::string& name,
                                               const std::string& type, HttpClient* http) {
  HostedCloudOptions o;
  o.name = name;
  o.api_token = fields.Secret("api_token");
  const bool digitalocean = type == "digitalocean";
  // Hetzner places a server anywhere without a location; DigitalOcean needs a region.
  o.region = digitalocean ? fields.RequiredString("region") : fields.String("region").value_or("");
  o.size = fields.String("size").value_or(digitalocean ? "s-1vcpu-1gb" : "cx22");
  o.image = fields.String("image").value_or(digitalocean ? "debian-12-x64" : "debian-12");
  o.api_url = fields.String("api_url").value_or("");
  if (!o.api_url.empty() && !IsHttpUrl(o.api_url))
    fields.Error("api_url", "must be an http:// or https:// URL");
  o.timeout = fields.Seconds("timeout").value_or(o.timeout);  // one request's
  o.boot_timeout = fields.Seconds("boot_timeout").value_or(o.boot_timeout);
  if (digitalocean) return std::make_unique<DigitalOceanProvider>(http, o);
  return std::make_unique<HetznerProvider>(http, o);
}

// access_key_id, secret_access_key (secret), region; image (an AMI id: they differ by region),
// size, subnet_id optional.
std::unique_ptr<CloudProvider> ReadEc2(FieldReader& fields, const std::string& name,
                                       HttpClient* http) {
  Ec2Options o;
  o.cloud.name = name;
  o.access_key = fields.RequiredString("access_key_id");
  o.secret_key = fields.Secret("secret_access_key");
  o.cloud.region = fields.RequiredString("region");
  o.cloud.image = fields.String("image").value_or("");
  o.cloud.size = fields.String("size").value_or("t3.micro");
  o.subnet_id = fields.String("subnet_id").value_or("");
  o.cloud.api_url = fields.String("api_url").value_or("");
  if (!o.cloud.api_url.empty() && !IsHttpUrl(o.cloud.api_url))
    fields.Error("api_url", "must be an http:// or https:// URL");
  o.cloud.timeout = fields.Seconds("timeout").value_or(o.cloud.timeout);
  o.cloud.boot_timeout = fields.Seconds("boot_timeout").value_or(o.cloud.boot_timeout);
  return std::make_unique<Ec2Provider>(http, o);
}

// auth_url, user, password (secret), project, domain, region; image, size (a flavor), network.
std::unique_ptr<CloudProvider> ReadOpenStack(FieldReader& fields, const std::string& name,
                                             HttpClient* http) {
  OpenStackOptions o;
  o.cloud.name = name;
  o.auth.auth_url = fields.RequiredString("auth_url");
  if (!o.auth.auth_url.empty() && !IsHttpUrl(o.auth.auth_url))
    fields.Error("auth_url", "must be Keystone's v3 URL, such as https://keystone.example:5000/v3");
  o.auth.user = fields.RequiredString("user");
  o.auth.password = fields.Secret("password");
  o.auth.project = fields.RequiredString("project");
  o.auth.domain = fields.String("domain").value_or("Default");
  o.auth.region = fields.String("region").value_or("");
  o.cloud.image = fields.String("image").value_or("");
  o.cloud.size = fields.String("size").value_or("");
  o.network = fields.String("network").value_or("");
  o.endpoints = fields.StringMap("endpoints");
  o.cloud.timeout = fields.Seconds("timeout").value_or(o.cloud.timeout);
  o.cloud.boot_timeout = fields.Seconds("boot_timeout").value_or(o.cloud.boot_timeout);
  return std::make_unique<OpenStackProvider>(http, o);
}

// server: HOST:PORT (an address), tsig_key: {name, algorithm, secret: BASE64}.
std::unique_ptr<DnsProvider> ReadRfc2136(FieldReader& fields, ValidationErrors* errors) {
  Rfc2136Options o;
  std::string server = fields.RequiredString("server");
  if (!server.empty()) {
    absl::StatusOr<HostPort> at = HostPort::Parse(server);
    if (!at.ok()) {
      fields.Error("server", "must be ADDRESS:PORT, such as 127.0.0.1:53");
    } else {
      o.host = at->host;
      o.port = at->port;
    }
  }
  const yaml::Node* key = fields.Raw("tsig_key");
  if (key == nullptr || !key->IsMap()) {
    fields.Error(key == nullptr ? "" : "tsig_key",
                 "tsig_key: {name, algorithm, secret} is required (updates are always signed)");
  } else {
    FieldReader k(*key, absl::StrCat(fields.what(), ": tsig_key"), errors);
    o.key.name = k.RequiredString("name");
    o.key.algorithm =
        k.Choice("algorithm", {"hmac-sha256", "hmac-sha384", "hmac-sha512"}, "hmac-sha256");
    std::string secret = k.Secret("secret");
    if (!secret.empty() && (!absl::Base64Unescape(secret, &o.key.secret) || o.key.secret.empty()))
      k.Error("secret", "must be the key in base64 (as tsig-keygen prints it)");
    k.RejectUnknown();
  }
  return std::make_unique<Rfc2136Provider>(std::move(o));
}

// One list (`dns:` or `cloud:`): each entry's name and type checked, its settings read.
struct ReadProviders {
  std::vector<std::pair<std::string, std::unique_ptr<DnsProvider>>> dns;
  std::vector<std::unique_ptr<CloudProvider>> cloud;
  std::vector<std::pair<std::string, StoreSettings>> storage;
};

void ReadList(const yaml::Node* list, const std::string& kind, HttpClient* http, bool cloud_taken,
              ValidationErrors* errors, ReadProviders* read) {
  if (list == nullptr || list->IsNull()) return;
  if (!list->IsSequence()) {
    errors->Add(list->mark(),
                absl::StrCat("providers: ", kind,
                             ": must be a list of providers (- name: ..., type: ...)"));
    return;
  }
  std::set<std::string> names;
  for (const yaml::Node& entry : list->items()) {
    if (!entry.IsMap()) {
      errors->Add(entry.mark(), absl::StrCat("providers: ", kind,
                                             ": each entry is a map with "
                                             "name:, type: and the type's settings"));
      continue;
    }
    std::string name =
        entry.Find("name") && entry.Find("name")->IsScalar() ? entry.Find("name")->scalar() : "";
    FieldReader fields(entry, absl::StrCat("providers: ", kind, ": ", name.empty() ? "?" : name),
                       errors);
    fields.RequiredString("name");
    if (!name.empty() && !IsProviderName(name)) {
      fields.Error("name", "1 to 32 of a-z, 0-9 and '-'");
    } else if (name == "local") {
      fields.Error("name", "'local' is the controller's own; choose another name");
    } else if (!name.empty() && !names.insert(name).second) {
      fields.Error("name", "named twice");
    }
    if (kind == "storage") {
      // The fleets' media stores, in --backup-store's words (app nodes reach them: no
      // directory of this machine).
      StoreSettings settings = ReadStoreSettings(fields, StorageTypes());
      fields.RejectUnknown();
      read->storage.push_back({name, std::move(settings)});
      continue;
    }
    const std::vector<std::string>& types =
        kind == "dns" ? DnsProviderTypes() : CloudProviderTypes();
    const std::string type = fields.RequiredString("type");
    if (type.empty()) continue;
    if (kind == "cloud" &&
        (type == "digitalocean" || type == "hetzner" || type == "ec2" || type == "openstack")) {
      if (!cloud_taken) {
        fields.Error("type", "cloud providers are not read here");
        continue;
      }
      std::unique_ptr<CloudProvider> provider;
      if (type == "ec2") {
        provider = ReadEc2(fields, name, http);
      } else if (type == "openstack") {
        provider = ReadOpenStack(fields, name, http);
      } else {
        provider = ReadHostedCloud(fields, name, type, http);
      }
      fields.RejectUnknown();
      read->cloud.push_back(std::move(provider));
      continue;
    }
    std::unique_ptr<DnsProvider> provider;
    if (kind == "dns" && type == "powerdns") provider = ReadPowerDns(fields, http);
    if (kind == "dns" && type == "rfc2136") provider = ReadRfc2136(fields, errors);
    if (kind == "dns" && type == "dnsimple") provider = ReadDnsimple(fields, http);
    if (kind == "dns" && type == "cloudflare") provider = ReadCloudflare(fields, http);
    if (provider != nullptr) {
      fields.RejectUnknown();
      read->dns.push_back({name, std::move(provider)});
      continue;
    }
    bool known = std::find(types.begin(), types.end(), type) != types.end();
    fields.Error("type",
                 known ? absl::StrCat("'", type, "' is not available in this controller yet")
                       : absl::StrCat("'", type, "' is not one of ", absl::StrJoin(types, ", ")));
  }
}

}  // namespace

const std::vector<std::string>& DnsProviderTypes() {
  static const std::vector<std::string> types = {"powerdns", "rfc2136", "dnsimple", "cloudflare"};
  return types;
}

void DnsProviderSet::Add(const std::string& name, DnsProvider* provider) {
  by_name_[name] = provider;
}

void DnsProviderSet::Add(const std::string& name, std::unique_ptr<DnsProvider> provider) {
  by_name_[name] = provider.get();
  owned_.push_back(std::move(provider));
}

DnsProvider* DnsProviderSet::Find(const std::string& name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : it->second;
}

std::vector<std::string> DnsProviderSet::Names() const {
  std::vector<std::string> names;
  for (const auto& [name, provider] : by_name_) names.push_back(name);
  return names;
}

const std::vector<std::string>& StorageTypes() {
  static const std::vector<std::string> types = {"swift", "s3"};
  return types;
}

void StorageSet::Add(const std::string& name, StoreSettings settings,
                     std::unique_ptr<ObjectStore> store) {
  by_name_[name] = NamedStore{name, std::move(settings), std::move(store)};
}

const NamedStore* StorageSet::Find(const std::string& name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : &it->second;
}

const std::vector<std::string>& CloudProviderTypes() {
  static const std::vector<std::string> types = {"openstack", "digitalocean", "hetzner", "ec2"};
  return types;
}

void CloudProviderSet::Add(std::unique_ptr<CloudProvider> provider) {
  const std::string name = provider->name();
  by_name_[name] = std::move(provider);
}

CloudProvider* CloudProviderSet::Find(const std::string& name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : it->second.get();
}

std::vector<std::string> CloudProviderSet::Names() const {
  std::vector<std::string> names;
  for (const auto& [name, provider] : by_name_) names.push_back(name);
  return names;
}

absl::Status ParseProviders(const std::string& text, const std::string& path, HttpClient* http,
                            DnsProviderSet* dns, CloudProviderSet* cloud, StorageSet* storage) {
  DM_ASSIGN_OR_RETURN(yaml::Node root, yaml::Parse(text, path));
  ValidationErrors errors;
  if (root.IsNull()) return absl::OkStatus();
  if (!root.IsMap()) {
    errors.Add(root.mark(), "providers: a map with dns: and cloud: lists");
    return errors.ToStatus();
  }
  FieldReader fields(root, "providers", &errors);
  ReadProviders read;
  ReadList(fields.Raw("dns"), "dns", http, cloud != nullptr, &errors, &read);
  ReadList(fields.Raw("cloud"), "cloud", http, cloud != nullptr, &errors, &read);
  if (storage != nullptr) ReadList(fields.Raw("storage"), "storage", http, true, &errors, &read);
  fields.RejectUnknown();
  DM_RETURN_IF_ERROR(errors.ToStatus());
  for (auto& [name, provider] : read.dns) dns->Add(name, std::move(provider));
  for (auto& provider : read.cloud) cloud->Add(std::move(provider));
  for (auto& [name, settings] : read.storage) {
    std::unique_ptr<ObjectStore> store = MakeObjectStore(settings, http);
    storage->Add(name, std::move(settings), std::move(store));
  }
  return absl::OkStatus();
}

absl::Status LoadProviders(const std::string& path, HttpClient* http, DnsProviderSet* dns,
                           CloudProviderSet* cloud, StorageSet* storage) {
  DM_ASSIGN_OR_RETURN(std::string text, ReadPrivateFile(path, "providers' credentials"));
  return ParseProviders(text, path, http, dns, cloud, storage);
}

}  // namespace dm
