#include "controller/providers/cloud/hetzner_provider.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status_macros.h"
#include "nlohmann/json.hpp"

namespace dm {
namespace {

using nlohmann::json;

constexpr char kEveryServer[] = "deploymachine";
constexpr int kPerPage = 50;  // the API's largest page

// {"error": {"code": "not_found", "message": "server with ID '42' not found", "details": {}}}
std::string ErrorText(const json& body) {
  if (!body.is_object() || !body.contains("error") || !body["error"].is_object()) return "";
  const json& e = body["error"];
  const std::string message = e.value("message", "");
  const std::string code = e.value("code", "");
  return code.empty() ? message : absl::StrCat(message, " [", code, "]");
}

ProviderState StateOf(const std::string& status) {
  if (status == "initializing" || status == "starting" || status == "rebuilding" ||
      status == "migrating")
    return ProviderState::kCreating;
  if (status == "running") return ProviderState::kRunning;
  if (status == "off" || status == "stopping" || status == "deleting")
    return ProviderState::kStopped;
  return ProviderState::kError;
}

long long IdOf(const json& object) {
  return object.is_object() && object.contains("id") && object["id"].is_number()
             ? object["id"].get<long long>()
             : 0;
}

absl::StatusOr<ServerInfo> ServerOf(const json& s, const std::string& provider) {
  if (IdOf(s) == 0) return absl::UnavailableError("Hetzner API: a server without an id");
  ServerInfo info;
  info.provider = provider;
  info.id = std::to_string(IdOf(s));
  info.state = StateOf(s.value("status", ""));
  if (s.contains("server_type") && s["server_type"].is_object())
    info.size = s["server_type"].value("name", "");
  if (s.contains("image") && s["image"].is_object()) info.image = s["image"].value("name", "");
  if (s.contains("datacenter") && s["datacenter"].is_object())
    info.region = s["datacenter"].value("location", json::object()).value("name", "");
  const json& net = s.value("public_net", json::object());
  if (net.is_object() && net.contains("ipv4") && net["ipv4"].is_object())
    info.address = net["ipv4"].value("ip", "");
  for (const json& p : s.value("private_net", json::array())) {
    if (p.is_object() && info.private_address.empty()) info.private_address = p.value("ip", "");
  }
  const json labels = s.value("labels", json::object());  // items() needs it to outlive the loop
  for (const auto& [key, value] : labels.items()) {
    if (value.is_string()) info.tags[key] = value;
  }
  info.name = s.value("name", "");
  absl::Time created;
  std::string error;
  if (absl::ParseTime(absl::RFC3339_full, s.value("created", ""), &created, &error))
    info.created = created;
  return info;
}

}  // namespace

HetznerProvider::HetznerProvider(HttpClient* http, HostedCloudOptions options)
    : options_(std::move(options)),
      api_(http,
           {"Hetzner", options_.api_url.empty() ? "https://api.hetzner.cloud" : options_.api_url,
            options_.api_token, options_.timeout, ErrorText}) {}

absl::StatusOr<std::vector<ServerInfo>> HetznerProvider::Selected(const std::string& selector) {
  std::vector<ServerInfo> servers;
  for (int page = 1; page > 0;) {
    DM_ASSIGN_OR_RETURN(
        json body, api_.Call("GET", absl::StrCat("/v1/servers?label_selector=", UrlEncode(selector),
                                                 "&per_page=", kPerPage, "&page=", page)));
    if (!body.is_object() || !body.contains("servers") || !body["servers"].is_array())
      return absl::UnavailableError("Hetzner API: GET /v1/servers: no list of servers");
    for (const json& s : body["servers"]) {
      DM_ASSIGN_OR_RETURN(ServerInfo info, ServerOf(s, options_.name));
      servers.push_back(std::move(info));
    }
    // meta.pagination.next_page is null on the last page.
    const json& next = body.value("meta", json::object())
                           .value("pagination", json::object())
                           .value("next_page", json());
    page = next.is_number() ? next.get<int>() : 0;
  }
  return servers;
}

absl::StatusOr<std::vector<ServerInfo>> HetznerProvider::List() { return Selected(kEveryServer); }

absl::StatusOr<ServerInfo> HetznerProvider::Get(const std::string& name) {
  DM_ASSIGN_OR_RETURN(std::vector<ServerInfo> found,
                      Selected(absl::StrCat(kServerTag, "==", name)));
  if (found.empty()) return absl::NotFoundError(absl::StrCat(options_.name, ": no server ", name));
  return found.front();
}

absl::StatusOr<long long> HetznerProvider::EnsureSshKey(const std::string& public_key) {
  const std::string wanted = PublicKeyWithoutComment(public_key);
  for (int page = 1; page > 0;) {
    DM_ASSIGN_OR_RETURN(json body, api_.Call("GET", absl::StrCat("/v1/ssh_keys?per_page=", kPerPage,
                                                                 "&page=", page)));
    for (const json& k : body.value("ssh_keys", json::array())) {
      if (k.is_object() && PublicKeyWithoutComment(k.value("public_key", "")) == wanted)
        return IdOf(k);
    }
    const json& next = body.value("meta", json::object())
                           .value("pagination", json::object())
                           .value("next_page", json());
    page = next.is_number() ? next.get<int>() : 0;
  }
  // Names are unique in a project: the key's own fingerprint-free name would clash with another
  // controller's, so the name carries the key's start.
  const std::string blob = wanted.substr(wanted.find(' ') + 1);
  json request = {{"name", absl::StrCat("deploymachine-",
                                        blob.substr(blob.size() > 12 ? blob.size() - 12 : 0))},
                  {"public_key", wanted},
                  {"labels", {{kEveryServer, "1"}}}};
  DM_ASSIGN_OR_RETURN(json created, api_.Call("POST", "/v1/ssh_keys", &request));
  const long long id = IdOf(created.value("ssh_key", json::object()));
  if (id == 0) return absl::UnavailableError("Hetzner API: POST /v1/ssh_keys: no key id");
  return id;
}

absl::StatusOr<long long> HetznerProvider::EnsureFirewall(
    std::vector<int> ports, const std::vector<std::string>& admit_from) {
  const std::string name = FirewallName(&ports, admit_from);
  DM_ASSIGN_OR_RETURN(json found,
                      api_.Call("GET", absl::StrCat("/v1/firewalls?name=", UrlEncode(name))));
  for (const json& f : found.value("firewalls", json::array())) {
    if (f.is_object() && f.value("name", "") == name) return IdOf(f);
  }
  // Inbound: only these ports. Outbound: no rules, which Hetzner reads as everything allowed.
  json rules = json::array();
  for (int port : ports) {
    rules.push_back({{"direction", "in"},
                     {"protocol", "tcp"},
                     {"port", std::to_string(port)},
                     {"source_ips", {"0.0.0.0/0", "::/0"}}});
  }
  if (!admit_from.empty()) {
    json sources = json::array();
    for (const std::string& a : admit_from) sources.push_back(AsCidr(a));
    rules.push_back(
        {{"direction", "in"}, {"protocol", "tcp"}, {"port", "1-65535"}, {"source_ips", sources}});
  }
  json request = {{"name", name}, {"labels", {{kEveryServer, "1"}}}, {"rules", rules}};
  DM_ASSIGN_OR_RETURN(json created, api_.Call("POST", "/v1/firewalls", &request));
  const long long id = IdOf(created.value("firewall", json::object()));
  if (id == 0) return absl::UnavailableError("Hetzner API: POST /v1/firewalls: no firewall id");
  return id;
}

absl::StatusOr<ServerInfo> HetznerProvider::Create(const ServerSpec& spec,
                                                   const ProgressFn& progress) {
  auto wait = [&] { return WaitUntilRunning([&] { return Get(spec.name); }, options_, progress); };
  // A server this controller booted before under that name is adopted, never booted twice.
  absl::StatusOr<ServerInfo> existing = Get(spec.name);
  if (existing.ok()) {
    if (progress) progress(absl::StrCat(spec.name, " exists at ", options_.name, ": adopting it"));
    return wait();
  }
  if (!absl::IsNotFound(existing.status())) return existing.status();
  DM_ASSIGN_OR_RETURN(json same_name,
                      api_.Call("GET", absl::StrCat("/v1/servers?name=", UrlEncode(spec.name))));
  if (!same_name.value("servers", json::array()).empty()) {
    return absl::AlreadyExistsError(absl::StrCat(options_.name, ": a server named ", spec.name,
                                                 " exists that DeployMachine did not boot"));
  }
  DM_ASSIGN_OR_RETURN(long long key, EnsureSshKey(spec.ssh_public_key));
  DM_ASSIGN_OR_RETURN(long long firewall, EnsureFirewall(spec.open_tcp_ports, spec.admit_from));
  json labels = {{kEveryServer, "1"}, {kServerTag, spec.name}};
  for (const auto& [k, v] : spec.tags) labels[k] = v;
  labels[kServerTag] = spec.name;
  json request = {{"name", spec.name},
                  {"server_type", spec.size.empty() ? options_.size : spec.size},
                  {"image", spec.image.empty() ? options_.image : spec.image},
                  {"ssh_keys", {key}},
                  {"labels", labels},
                  {"firewalls", {{{"firewall", firewall}}}},
                  {"start_after_create", true}};
  const std::string location = spec.region.empty() ? options_.region : spec.region;
  if (!location.empty()) request["location"] = location;  // else Hetzner picks one
  if (!spec.user_data.empty()) request["user_data"] = spec.user_data;
  if (progress) progress(absl::StrCat("creating server ", spec.name, " at ", options_.name));
  absl::StatusOr<json> created = api_.Call("POST", "/v1/servers", &request);
  // Names are unique in a project: a 409 here is our own server, created by an attempt whose
  // answer was lost between the look above and now.
  if (absl::IsAlreadyExists(created.status())) {
    absl::StatusOr<ServerInfo> ours = Get(spec.name);
    if (absl::IsNotFound(ours.status())) return created.status();  // someone else's after all
  } else if (!created.ok()) {
    return created.status();
  }
  return wait();
}

absl::Status HetznerProvider::Delete(const std::string& name) {
  DM_ASSIGN_OR_RETURN(std::vector<ServerInfo> found,
                      Selected(absl::StrCat(kServerTag, "==", name)));
  if (found.empty()) return absl::NotFoundError(absl::StrCat(options_.name, ": no server ", name));
  for (const ServerInfo& server : found) {
    absl::Status deleted = api_.Call("DELETE", absl::StrCat("/v1/servers/", server.id)).status();
    if (!deleted.ok() && !absl::IsNotFound(deleted)) return deleted;
  }
  return absl::OkStatus();
}

}  // namespace dm
