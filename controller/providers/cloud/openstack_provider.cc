#include "controller/providers/cloud/openstack_provider.h"

#include <algorithm>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "common/status_macros.h"
#include "common/tls/digest.h"
#include "nlohmann/json.hpp"

namespace dm {
namespace {

using nlohmann::json;

constexpr char kMicroversion[] = "2.79";  // tags at create (2.52), in detail (2.26)
constexpr char kEveryServer[] = "deploymachine";
constexpr int kPageSize = 200;

std::string TagWord(const std::string& key, const std::string& value) {
  return absl::StrCat(key, ":", value);
}

// Nova {"itemNotFound": {"message": ...}}, Neutron {"NeutronError": {"message": ...}},
// Keystone {"error": {"message": ...}}: the first member with a message.
std::string ErrorText(const std::string& body) {
  json parsed = json::parse(body, nullptr, false);
  if (parsed.is_object()) {
    if (parsed.contains("message") && parsed["message"].is_string()) return parsed["message"];
    for (const auto& [key, value] : parsed.items()) {
      if (value.is_object() && value.contains("message") && value["message"].is_string())
        return absl::StrCat(value["message"].get<std::string>(), " [", key, "]");
    }
  }
  return "no message";
}

ProviderState StateOf(const std::string& status) {
  if (status == "ACTIVE") return ProviderState::kRunning;
  if (status == "BUILD" || status == "REBUILD" || status == "REBOOT" || status == "HARD_REBOOT")
    return ProviderState::kCreating;
  if (status == "SHUTOFF" || status == "SUSPENDED" || status == "PAUSED" || status == "STOPPED")
    return ProviderState::kStopped;
  return ProviderState::kError;
}

ServerInfo ServerOf(const json& s, const std::string& provider) {
  ServerInfo info;
  info.provider = provider;
  info.id = s.value("id", "");
  info.name = s.value("name", "");
  info.state = StateOf(s.value("status", ""));
  const json addresses = s.value("addresses", json::object());
  for (const auto& [network, list] : addresses.items()) {
    if (!list.is_array()) continue;
    for (const json& a : list) {
      if (!a.is_object() || a.value("version", 4) != 4) continue;
      const std::string type = a.value("OS-EXT-IPS:type", "fixed");
      const std::string addr = a.value("addr", "");
      if (type == "floating" && info.address.empty()) info.address = addr;
      if (type == "fixed" && info.private_address.empty()) info.private_address = addr;
    }
  }
  // Without a floating address, the server's own network is where it is reached.
  if (info.address.empty()) info.address = info.private_address;
  const json flavor = s.value("flavor", json::object());
  if (flavor.is_object()) info.size = flavor.value("original_name", flavor.value("id", ""));
  const json image = s.value("image", json::object());
  if (image.is_object()) info.image = image.value("id", "");
  info.region = s.value("OS-EXT-AZ:availability_zone", "");
  const json fault = s.value("fault", json::object());
  if (fault.is_object()) info.fault = fault.value("message", "");
  for (const json& t : s.value("tags", json::array())) {
    if (!t.is_string()) continue;
    const std::string word = t;
    const size_t colon = word.find(':');
    if (colon != std::string::npos) info.tags[word.substr(0, colon)] = word.substr(colon + 1);
  }
  absl::Time created;
  std::string error;
  if (absl::ParseTime(absl::RFC3339_full, s.value("created", ""), &created, &error))
    info.created = created;
  return info;
}

}  // namespace

absl::StatusOr<KeystoneSession> OpenStackProvider::Session(bool renew) {
  std::lock_guard<std::mutex> lock(mu_);
  const absl::Time now = options_.cloud.clock->Now();
  if (!renew && session_ && session_->expires - absl::Minutes(2) > now) return *session_;
  absl::StatusOr<KeystoneSession> session = KeystoneLogin(http_, options_.auth);
  if (!session.ok()) {
    return absl::Status(session.status().code(),
                        absl::StrCat(options_.cloud.name, ": ", session.status().message()));
  }
  for (const auto& [type, url] : options_.endpoints) session->endpoints[type] = url;
  session_ = *session;
  return *session;
}

absl::StatusOr<json> OpenStackProvider::Call(const std::string& service_type,
                                             const std::string& method, const std::string& path,
                                             const json* body) {
  const std::string call = absl::StrCat(method, " ", path.substr(0, path.find('?')));
  for (int attempt = 0;; ++attempt) {
    DM_ASSIGN_OR_RETURN(KeystoneSession session, Session(/*renew=*/attempt > 0));
    auto endpoint = session.endpoints.find(service_type);
    if (endpoint == session.endpoints.end()) {
      return absl::FailedPreconditionError(absl::StrCat(
          options_.cloud.name, ": the catalog has no public ", service_type, " endpoint"));
    }
    // Neutron's and Glance's catalog URLs usually stop before the API version; Nova's carry it.
    std::string base(absl::StripSuffix(endpoint->second, "/"));
    std::string relative = path;
    if (absl::EndsWith(base, "/v2.0") && absl::StartsWith(relative, "/v2.0/"))
      relative = relative.substr(5);
    HttpRequest request;
    request.method = method;
    request.url = base + relative;
    request.timeout = options_.cloud.timeout;
    request.headers = {{"X-Auth-Token", session.token}, {"Accept", "application/json"}};
    if (service_type == "compute") {
      request.headers.push_back({"OpenStack-API-Version", absl::StrCat("compute ", kMicroversion)});
      request.headers.push_back({"X-OpenStack-Nova-API-Version", kMicroversion});
    }
    if (body != nullptr) {
      request.headers.push_back({"Content-Type", "application/json"});
      request.body = body->dump();
    }
    absl::StatusOr<HttpResponse> response = http_->Send(request);
    if (!response.ok()) {
      return absl::UnavailableError(absl::StrCat("OpenStack ", service_type, " API: ", call, ": ",
                                                 response.status().message()));
    }
    // A token that expired or was revoked early: one fresh login, then the call again.
    if (response->status == 401 && attempt == 0) continue;
    if (response->success()) {
      if (response->body.empty()) return json();
      json parsed = json::parse(response->body, nullptr, false);
      if (parsed.is_discarded()) {
        return absl::UnavailableError(absl::StrCat("OpenStack ", service_type, " API: ", call,
                                                   ": an answer that is not JSON (HTTP ",
                                                   response->status, ")"));
      }
      return parsed;
    }
    const std::string text =
        absl::StrCat("OpenStack ", service_type, " API: ", call, ": ", ErrorText(response->body),
                     " (HTTP ", response->status, ")");
    switch (response->status) {
      case 401:
      case 403:
        return absl::PermissionDeniedError(
            absl::StrCat(text, ": the credentials were refused, or lack a permission"));
      case 404:
        return absl::NotFoundError(text);
      case 409:
        return absl::AlreadyExistsError(text);
      case 400:
        return absl::FailedPreconditionError(text);
      default:
        return absl::UnavailableError(text);
    }
  }
}

absl::StatusOr<std::vector<ServerInfo>> OpenStackProvider::Tagged(const std::string& tag) {
  std::vector<ServerInfo> servers;
  std::string marker;
  for (;;) {
    DM_ASSIGN_OR_RETURN(
        json body,
        Call("compute", "GET",
             absl::StrCat("/servers/detail?tags=", UrlEncode(tag), "&limit=", kPageSize,
                          marker.empty() ? "" : absl::StrCat("&marker=", UrlEncode(marker)))));
    if (!body.is_object() || !body.contains("servers") || !body["servers"].is_array())
      return absl::UnavailableError("OpenStack compute API: GET /servers/detail: no servers");
    for (const json& s : body["servers"]) {
      if (!s.is_object()) continue;
      const std::string status = s.value("status", "");
      if (status == "DELETED" || status == "SOFT_DELETED") continue;
      servers.push_back(ServerOf(s, options_.cloud.name));
      marker = s.value("id", "");
    }
    bool next = false;
    for (const json& link : body.value("servers_links", json::array()))
      next |= link.is_object() && link.value("rel", "") == "next";
    if (!next || body["servers"].empty()) break;
  }
  return servers;
}

absl::StatusOr<std::vector<ServerInfo>> OpenStackProvider::List() { return Tagged(kEveryServer); }

absl::StatusOr<ServerInfo> OpenStackProvider::Get(const std::string& name) {
  DM_ASSIGN_OR_RETURN(std::vector<ServerInfo> found, Tagged(TagWord(kServerTag, name)));
  if (found.empty())
    return absl::NotFoundError(absl::StrCat(options_.cloud.name, ": no server ", name));
  ServerInfo info = found.front();
  info.name = name;
  return info;
}

absl::StatusOr<std::string> OpenStackProvider::EnsureKeyPair(const std::string& public_key) {
  const std::string key = PublicKeyWithoutComment(public_key);
  const std::string name = absl::StrCat("deploymachine-", Sha256Hex(key).substr(0, 16));
  absl::StatusOr<json> found = Call("compute", "GET", absl::StrCat("/os-keypairs/", name));
  if (found.ok()) return name;
  if (!absl::IsNotFound(found.status())) return found.status();
  json request = {{"keypair", {{"name", name}, {"public_key", key}}}};
  absl::StatusOr<json> created = Call("compute", "POST", "/os-keypairs", &request);
  if (!created.ok() && !absl::IsAlreadyExists(created.status())) return created.status();
  return name;
}

absl::StatusOr<std::string> OpenStackProvider::EnsureSecurityGroup(
    std::vector<int> ports, const std::vector<std::string>& admit_from) {
  const std::string name = FirewallName(&ports, admit_from);
  DM_ASSIGN_OR_RETURN(
      json found,
      Call("network", "GET", absl::StrCat("/v2.0/security-groups?name=", UrlEncode(name))));
  for (const json& g : found.value("security_groups", json::array())) {
    if (g.is_object() && g.value("name", "") == name) return name;
  }
  json group = {
      {"security_group",
       {{"name", name}, {"description", "DeployMachine: SSH, these ports, its own servers"}}}};
  DM_ASSIGN_OR_RETURN(json created, Call("network", "POST", "/v2.0/security-groups", &group));
  const std::string id = created.value("security_group", json::object()).value("id", "");
  if (id.empty())
    return absl::UnavailableError("OpenStack network API: a security group without id");
  std::vector<json> rules;
  for (int port : ports) {
    rules.push_back({{"security_group_id", id},
                     {"direction", "ingress"},
                     {"ethertype", "IPv4"},
                     {"protocol", "tcp"},
                     {"port_range_min", port},
                     {"port_range_max", port},
                     {"remote_ip_prefix", "0.0.0.0/0"}});
  }
  for (const std::string& a : admit_from) {
    rules.push_back({{"security_group_id", id},
                     {"direction", "ingress"},
                     {"ethertype", "IPv4"},
                     {"protocol", "tcp"},
                     {"remote_ip_prefix", AsCidr(a)}});
  }
  // Everything from the group's own members: the fleet's database and cache traffic.
  rules.push_back({{"security_group_id", id},
                   {"direction", "ingress"},
                   {"ethertype", "IPv4"},
                   {"remote_group_id", id}});
  for (const json& rule : rules) {
    json request = {{"security_group_rule", rule}};
    absl::StatusOr<json> added = Call("network", "POST", "/v2.0/security-group-rules", &request);
    if (!added.ok() && !absl::IsAlreadyExists(added.status())) return added.status();
  }
  return name;
}

absl::StatusOr<std::string> OpenStackProvider::ImageId(const std::string& wanted) {
  DM_ASSIGN_OR_RETURN(json found,
                      Call("image", "GET", absl::StrCat("/v2/images?name=", UrlEncode(wanted))));
  for (const json& image : found.value("images", json::array())) {
    if (image.is_object() && image.value("status", "active") == "active")
      return image.value("id", "");
  }
  absl::StatusOr<json> by_id = Call("image", "GET", absl::StrCat("/v2/images/", UrlEncode(wanted)));
  if (by_id.ok() && by_id->is_object()) return by_id->value("id", wanted);
  return absl::NotFoundError(absl::StrCat(options_.cloud.name, ": no image '", wanted, "'"));
}

absl::StatusOr<std::string> OpenStackProvider::FlavorId(const std::string& wanted) {
  DM_ASSIGN_OR_RETURN(json found, Call("compute", "GET", "/flavors/detail"));
  std::vector<std::string> names;
  for (const json& flavor : found.value("flavors", json::array())) {
    if (!flavor.is_object()) continue;
    if (flavor.value("name", "") == wanted || flavor.value("id", "") == wanted)
      return flavor.value("id", "");
    names.push_back(flavor.value("name", ""));
  }
  return absl::NotFoundError(absl::StrCat(options_.cloud.name, ": no flavor '", wanted,
                                          "' (there are ", absl::StrJoin(names, ", "), ")"));
}

absl::StatusOr<std::string> OpenStackProvider::NetworkId(const std::string& wanted) {
  DM_ASSIGN_OR_RETURN(json found, Call("network", "GET", "/v2.0/networks"));
  for (const json& network : found.value("networks", json::array())) {
    if (network.is_object() &&
        (network.value("name", "") == wanted || network.value("id", "") == wanted))
      return network.value("id", "");
  }
  return absl::NotFoundError(absl::StrCat(options_.cloud.name, ": no network '", wanted, "'"));
}

absl::StatusOr<ServerInfo> OpenStackProvider::Create(const ServerSpec& spec,
                                                     const ProgressFn& progress) {
  auto wait = [&] {
    return WaitUntilRunning([&] { return Get(spec.name); }, options_.cloud, progress);
  };
  absl::StatusOr<ServerInfo> existing = Get(spec.name);
  if (existing.ok()) {
    if (progress)
      progress(absl::StrCat(spec.name, " exists at ", options_.cloud.name, ": adopting it"));
    return wait();
  }
  if (!absl::IsNotFound(existing.status())) return existing.status();
  // Nova's name filter is a regular expression.
  DM_ASSIGN_OR_RETURN(json same_name, Call("compute", "GET",
                                           absl::StrCat("/servers/detail?name=",
                                                        UrlEncode("^" + spec.name + "$"))));
  for (const json& s : same_name.value("servers", json::array())) {
    if (s.is_object() && s.value("name", "") == spec.name) {
      return absl::AlreadyExistsError(absl::StrCat(options_.cloud.name, ": a server named ",
                                                   spec.name,
                                                   " exists that DeployMachine did not boot"));
    }
  }
  const std::string image = spec.image.empty() ? options_.cloud.image : spec.image;
  const std::string flavor = spec.size.empty() ? options_.cloud.size : spec.size;
  if (image.empty() || flavor.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        options_.cloud.name, ": ", spec.name,
        " needs an image and a size (flavor): set them in --providers or the fleet file"));
  }
  DM_ASSIGN_OR_RETURN(std::string key, EnsureKeyPair(spec.ssh_public_key));
  DM_ASSIGN_OR_RETURN(std::string group, EnsureSecurityGroup(spec.open_tcp_ports, spec.admit_from));
  DM_ASSIGN_OR_RETURN(std::string image_id, ImageId(image));
  DM_ASSIGN_OR_RETURN(std::string flavor_id, FlavorId(flavor));
  json tags = {kEveryServer, TagWord(kServerTag, spec.name)};
  json metadata = json::object();
  for (const auto& [k, v] : spec.tags) {
    metadata[k] = v;
    if (k != kServerTag) tags.push_back(TagWord(k, v));
  }
  json server = {{"name", spec.name},
                 {"imageRef", image_id},
                 {"flavorRef", flavor_id},
                 {"key_name", key},
                 {"metadata", metadata},
                 {"tags", tags},
                 {"security_groups", {{{"name", group}}}}};
  if (!spec.user_data.empty()) server["user_data"] = absl::Base64Escape(spec.user_data);
  if (!options_.network.empty()) {
    DM_ASSIGN_OR_RETURN(std::string network, NetworkId(options_.network));
    server["networks"] = {{{"uuid", network}}};
  } else {
    server["networks"] = "auto";
  }
  if (!spec.region.empty()) server["availability_zone"] = spec.region;
  json request = {{"server", server}};
  if (progress) progress(absl::StrCat("creating server ", spec.name, " at ", options_.cloud.name));
  DM_RETURN_IF_ERROR(Call("compute", "POST", "/servers", &request).status());
  return wait();
}

absl::Status OpenStackProvider::Delete(const std::string& name) {
  DM_ASSIGN_OR_RETURN(std::vector<ServerInfo> found, Tagged(TagWord(kServerTag, name)));
  if (found.empty())
    return absl::NotFoundError(absl::StrCat(options_.cloud.name, ": no server ", name));
  for (const ServerInfo& server : found) {
    absl::Status deleted = Call("compute", "DELETE", absl::StrCat("/servers/", server.id)).status();
    if (!deleted.ok() && !absl::IsNotFound(deleted)) return deleted;
  }
  // Nova deletes in the background: wait until it is gone, so that the name is free again.
  const absl::Time deadline = options_.cloud.clock->Now() + options_.cloud.boot_timeout;
  for (;;) {
    DM_ASSIGN_OR_RETURN(std::vector<ServerInfo> left, Tagged(TagWord(kServerTag, name)));
    if (left.empty()) return absl::OkStatus();
    if (options_.cloud.clock->Now() >= deadline) {
      return absl::DeadlineExceededError(
          absl::StrCat(options_.cloud.name, ": server ", name, " was still there after deletion"));
    }
    options_.cloud.clock->SleepFor(options_.cloud.poll_every);
  }
}

}  // namespace dm
