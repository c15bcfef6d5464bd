#include "controller/providers/cloud/digitalocean_provider.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status_macros.h"
#include "nlohmann/json.hpp"

namespace dm {
namespace {

using nlohmann::json;

constexpr char kEveryServer[] = "deploymachine";
constexpr int kPerPage = 200;  // the API's largest page

std::string TagWord(const std::string& key, const std::string& value) {
  return absl::StrCat(key, ":", value);
}

// {"id": "not_found", "message": "The resource you were accessing could not be found."}
std::string ErrorText(const json& body) {
  if (!body.is_object() || !body.contains("message") || !body["message"].is_string()) return "";
  return body.value("id", "").empty()
             ? body["message"].get<std::string>()
             : absl::StrCat(body["message"].get<std::string>(), " [", body.value("id", ""), "]");
}

ProviderState StateOf(const std::string& status) {
  if (status == "new") return ProviderState::kCreating;
  if (status == "active") return ProviderState::kRunning;
  if (status == "off" || status == "archive") return ProviderState::kStopped;
  return ProviderState::kError;
}

absl::StatusOr<ServerInfo> ServerOf(const json& d, const std::string& provider) {
  if (!d.is_object() || !d.contains("id") || !d["id"].is_number())
    return absl::UnavailableError("DigitalOcean API: a droplet without an id");
  ServerInfo info;
  info.provider = provider;
  info.id = std::to_string(d["id"].get<long long>());
  info.state = StateOf(d.value("status", ""));
  info.size = d.value("size_slug", "");
  if (d.contains("region") && d["region"].is_object()) info.region = d["region"].value("slug", "");
  if (d.contains("image") && d["image"].is_object()) {
    info.image = d["image"].value("slug", "");
    if (info.image.empty()) info.image = d["image"].value("name", "");
  }
  const json& v4 = d.value("networks", json::object()).value("v4", json::array());
  for (const json& n : v4) {
    if (!n.is_object()) continue;
    if (n.value("type", "") == "public" && info.address.empty())
      info.address = n.value("ip_address", "");
    if (n.value("type", "") == "private" && info.private_address.empty())
      info.private_address = n.value("ip_address", "");
  }
  for (const json& t : d.value("tags", json::array())) {
    if (!t.is_string()) continue;
    const std::string word = t;
    const size_t colon = word.find(':');
    if (colon != std::string::npos) info.tags[word.substr(0, colon)] = word.substr(colon + 1);
  }
  info.name = info.tags.count(kServerTag) ? info.tags[kServerTag] : d.value("name", "");
  absl::Time created;
  std::string error;
  if (absl::ParseTime(absl::RFC3339_full, d.value("created_at", ""), &created, &error))
    info.created = created;
  return info;
}

}  // namespace

DigitalOceanProvider::DigitalOceanProvider(HttpClient* http, HostedCloudOptions options)
    : options_(std::move(options)),
      api_(http, {"DigitalOcean",
                  options_.api_url.empty() ? "https://api.digitalocean.com" : options_.api_url,
                  options_.api_token, options_.timeout, ErrorText}) {}

absl::StatusOr<std::vector<ServerInfo>> DigitalOceanProvider::Tagged(const std::string& tag) {
  std::vector<ServerInfo> servers;
  for (int page = 1;; ++page) {
    DM_ASSIGN_OR_RETURN(json body,
                        api_.Call("GET", absl::StrCat("/v2/droplets?tag_name=", UrlEncode(tag),
                                                      "&per_page=", kPerPage, "&page=", page)));
    if (!body.is_object() || !body.contains("droplets") || !body["droplets"].is_array())
      return absl::UnavailableError("DigitalOcean API: GET /v2/droplets: no list of droplets");
    for (const json& d : body["droplets"]) {
      DM_ASSIGN_OR_RETURN(ServerInfo info, ServerOf(d, options_.name));
      servers.push_back(std::move(info));
    }
    // links.pages.next is there while pages are left.
    const json& pages = body.value("links", json::object()).value("pages", json::object());
    if (!pages.is_object() || !pages.contains("next")) break;
  }
  return servers;
}

absl::StatusOr<std::vector<ServerInfo>> DigitalOceanProvider::List() {
  return Tagged(kEveryServer);
}

absl::StatusOr<ServerInfo> DigitalOceanProvider::Get(const std::string& name) {
  DM_ASSIGN_OR_RETURN(std::vector<ServerInfo> found, Tagged(TagWord(kServerTag, name)));
  if (found.empty()) return absl::NotFoundError(absl::StrCat(options_.name, ": no server ", name));
  return found.front();
}

absl::StatusOr<long long> DigitalOceanProvider::EnsureSshKey(const std::string& public_key) {
  const std::string wanted = PublicKeyWithoutComment(public_key);
  for (int page = 1;; ++page) {
    DM_ASSIGN_OR_RETURN(
        json body,
        api_.Call("GET", absl::StrCat("/v2/account/keys?per_page=", kPerPage, "&page=", page)));
    for (const json& k : body.value("ssh_keys", json::array())) {
      if (k.is_object() && PublicKeyWithoutComment(k.value("public_key", "")) == wanted &&
          k.contains("id") && k["id"].is_number())
        return k["id"].get<long long>();
    }
    const json& pages = body.value("links", json::object()).value("pages", json::object());
    if (!pages.is_object() || !pages.contains("next")) break;
  }
  json request = {{"name", "deploymachine"}, {"public_key", wanted}};
  DM_ASSIGN_OR_RETURN(json created, api_.Call("POST", "/v2/account/keys", &request));
  const json& key = created.value("ssh_key", json::object());
  if (!key.contains("id") || !key["id"].is_number())
    return absl::UnavailableError("DigitalOcean API: POST /v2/account/keys: no key id");
  return key["id"].get<long long>();
}

absl::StatusOr<std::string> DigitalOceanProvider::EnsureFirewall(
    std::vector<int> ports, const std::vector<std::string>& admit_from) {
  const std::string name = FirewallName(&ports, admit_from);
  for (int page = 1;; ++page) {
    DM_ASSIGN_OR_RETURN(
        json body,
        api_.Call("GET", absl::StrCat("/v2/firewalls?per_page=", kPerPage, "&page=", page)));
    for (const json& f : body.value("firewalls", json::array())) {
      if (f.is_object() && f.value("name", "") == name) return name;
    }
    const json& pages = body.value("links", json::object()).value("pages", json::object());
    if (!pages.is_object() || !pages.contains("next")) break;
  }
  const json anywhere = {{"addresses", {"0.0.0.0/0", "::/0"}}};
  json inbound = json::array();
  for (int port : ports)
    inbound.push_back(
        {{"protocol", "tcp"}, {"ports", std::to_string(port)}, {"sources", anywhere}});
  if (!admit_from.empty()) {
    json addresses = json::array();
    for (const std::string& a : admit_from) addresses.push_back(AsCidr(a));
    inbound.push_back(
        {{"protocol", "tcp"}, {"ports", "all"}, {"sources", {{"addresses", addresses}}}});
  }
  // The fleet's own traffic (database, cache, agents' peers) between DeployMachine servers.
  for (const char* protocol : {"tcp", "udp"}) {
    inbound.push_back(
        {{"protocol", protocol}, {"ports", "all"}, {"sources", {{"tags", {kEveryServer}}}}});
  }
  json outbound = json::array();
  for (const char* protocol : {"tcp", "udp"})
    outbound.push_back({{"protocol", protocol}, {"ports", "all"}, {"destinations", anywhere}});
  outbound.push_back({{"protocol", "icmp"}, {"destinations", anywhere}});
  json request = {
      {"name", name}, {"inbound_rules", inbound}, {"outbound_rules", outbound}, {"tags", {name}}};
  absl::StatusOr<json> created = api_.Call("POST", "/v2/firewalls", &request);
  if (!created.ok()) return created.status();
  return name;
}

absl::StatusOr<ServerInfo> DigitalOceanProvider::Create(const ServerSpec& spec,
                                                        const ProgressFn& progress) {
  auto wait = [&](const std::string& name) {
    return WaitUntilRunning([&] { return Get(name); }, options_, progress);
  };
  // A droplet this controller booted before under that name (its answer lost, or the controller
  // gone before it recorded it) is adopted, never booted twice.
  absl::StatusOr<ServerInfo> existing = Get(spec.name);
  if (existing.ok()) {
    if (progress) progress(absl::StrCat(spec.name, " exists at ", options_.name, ": adopting it"));
    return wait(spec.name);
  }
  if (!absl::IsNotFound(existing.status())) return existing.status();
  DM_ASSIGN_OR_RETURN(json same_name,
                      api_.Call("GET", absl::StrCat("/v2/droplets?name=", UrlEncode(spec.name))));
  if (!same_name.value("droplets", json::array()).empty()) {
    return absl::AlreadyExistsError(absl::StrCat(options_.name, ": a droplet named ", spec.name,
                                                 " exists that DeployMachine did not boot"));
  }
  DM_ASSIGN_OR_RETURN(long long key, EnsureSshKey(spec.ssh_public_key));
  DM_ASSIGN_OR_RETURN(std::string firewall_tag,
                      EnsureFirewall(spec.open_tcp_ports, spec.admit_from));
  json tags = {kEveryServer, firewall_tag, TagWord(kServerTag, spec.name)};
  for (const auto& [k, v] : spec.tags) {
    if (k != kServerTag) tags.push_back(TagWord(k, v));
  }
  json request = {{"name", spec.name},
                  {"region", spec.region.empty() ? options_.region : spec.region},
                  {"size", spec.size.empty() ? options_.size : spec.size},
                  {"image", spec.image.empty() ? options_.image : spec.image},
                  {"ssh_keys", {key}},
                  {"tags", tags},
                  {"ipv6", false},
                  {"monitoring", false}};
  if (!spec.user_data.empty()) request["user_data"] = spec.user_data;
  if (progress) progress(absl::StrCat("creating droplet ", spec.name, " at ", options_.name));
  DM_RETURN_IF_ERROR(api_.Call("POST", "/v2/droplets", &request).status());
  return wait(spec.name);
}

absl::Status DigitalOceanProvider::Delete(const std::string& name) {
  DM_ASSIGN_OR_RETURN(std::vector<ServerInfo> found, Tagged(TagWord(kServerTag, name)));
  if (found.empty()) return absl::NotFoundError(absl::StrCat(options_.name, ": no server ", name));
  for (const ServerInfo& droplet : found) {  // twins too, should a crash have left any
    absl::Status deleted = api_.Call("DELETE", absl::StrCat("/v2/droplets/", droplet.id)).status();
    if (!deleted.ok() && !absl::IsNotFound(deleted)) return deleted;
  }
  return absl::OkStatus();
}

}  // namespace dm
