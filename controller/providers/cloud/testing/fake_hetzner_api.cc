#include "controller/providers/cloud/testing/fake_hetzner_api.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "nlohmann/json.hpp"

namespace dm::testing {
namespace {

using nlohmann::json;

FakeHttpResponse Answer(int status, const json& body) {
  FakeHttpResponse r;
  r.status = status;
  r.headers = {{"Content-Type", "application/json"},
               {"RateLimit-Limit", "3600"},
               {"RateLimit-Remaining", "3599"},
               {"RateLimit-Reset", "1700003600"}};
  if (!body.is_null()) r.body = body.dump();
  return r;
}

FakeHttpResponse Error(int status, const std::string& code, const std::string& message) {
  return Answer(status,
                {{"error", {{"code", code}, {"message", message}, {"details", json::object()}}}});
}

// "key" or "key==value" (the selectors the provider sends), against a server's labels.
bool Selects(const std::string& selector, const std::map<std::string, std::string>& labels) {
  const size_t eq = selector.find("==");
  if (eq == std::string::npos) return labels.count(selector) > 0;
  auto it = labels.find(selector.substr(0, eq));
  return it != labels.end() && it->second == selector.substr(eq + 2);
}

}  // namespace

absl::StatusOr<std::unique_ptr<FakeHetznerApi>> FakeHetznerApi::Start(std::string token) {
  std::unique_ptr<FakeHetznerApi> api(new FakeHetznerApi());
  api->max_per_page_ = 50;
  absl::Status started = api->FakeCloudApi::Start(std::move(token));
  if (!started.ok()) return started;
  return api;
}

FakeHttpResponse FakeHetznerApi::Handle(const FakeHttpRequest& request) {
  if (request.Header("authorization") != absl::StrCat("Bearer ", token_))
    return Error(401, "unauthorized", "unable to authenticate");
  const std::vector<std::string> path = absl::StrSplit(request.path, '/', absl::SkipEmpty());
  std::map<std::string, std::string> q = Query(request.query);
  auto server_json = [](const FakeServer& s) {
    json labels = json::object();
    for (const auto& [k, v] : s.tags) labels[k] = v;
    return json{{"id", s.id},
                {"name", s.name},
                {"status", s.running() ? "running" : "initializing"},
                {"created", "2026-12-01T10:00:00+00:00"},
                {"public_net",
                 {{"ipv4", s.running() ? json{{"ip", s.public_ip}, {"blocked", false}} : json()},
                  {"ipv6", nullptr},
                  {"firewalls", json::array()}}},
                {"private_net", s.running() ? json::array({{{"network", 1}, {"ip", s.private_ip}}})
                                            : json::array()},
                {"server_type", {{"id", 22}, {"name", s.size}}},
                {"datacenter", {{"name", s.region + "-dc14"}, {"location", {{"name", s.region}}}}},
                {"image", {{"id", 114690387}, {"name", s.image}, {"type", "system"}}},
                {"labels", labels}};
  };
  auto page = [&](const std::string& key, const json& items) {
    int pages = 1;
    auto [first, last] = PageOf(q, static_cast<int>(items.size()), 25, &pages);
    json shown = json::array();
    for (int i = first; i < last; ++i) shown.push_back(items[i]);
    int current = 1;
    if (q.count("page")) (void)absl::SimpleAtoi(q["page"], &current);
    return Answer(200, {{key, shown},
                        {"meta",
                         {{"pagination",
                           {{"page", current},
                            {"per_page", last - first},
                            {"previous_page", current > 1 ? json(current - 1) : json()},
                            {"next_page", current < pages ? json(current + 1) : json()},
                            {"last_page", pages},
                            {"total_entries", static_cast<int>(items.size())}}}}}});
  };
  if (path.size() < 2 || path[0] != "v1") return Error(404, "not_found", "not found");

  if (path[1] == "servers" && path.size() == 2 && request.method == "GET") {
    json items = json::array();
    for (FakeServer& s : servers_) {
      if (q.count("label_selector") && !Selects(q["label_selector"], s.tags)) continue;
      if (q.count("name") && s.name != q["name"]) continue;
      items.push_back(server_json(s));
      if (!s.running()) --s.polls_left;
    }
    return page("servers", items);
  }
  if (path[1] == "servers" && path.size() == 2 && request.method == "POST") {
    json body = json::parse(request.body, nullptr, false);
    if (!body.is_object()) return Error(400, "json_error", "invalid JSON");
    FakeServer s;
    s.name = body.value("name", "");
    s.size = body.value("server_type", "");
    s.image = body.value("image", "");
    s.region = body.value("location", "");
    s.user_data = body.value("user_data", "");
    for (const char* field : {"name", "server_type", "image"}) {
      if (body.value(field, "").empty())
        return Error(422, "invalid_input", absl::StrCat("invalid input in field '", field, "'"));
    }
    for (const FakeServer& other : servers_) {
      if (other.name == s.name)
        return Error(409, "uniqueness_error", "server name is already used");
    }
    for (const json& k : body.value("ssh_keys", json::array())) {
      if (!k.is_number() || std::none_of(keys_.begin(), keys_.end(), [&](const Key& key) {
            return key.id == k.get<long long>();
          }))
        return Error(422, "invalid_input", "ssh key not found");
      s.ssh_keys.push_back(k.get<long long>());
    }
    for (const json& f : body.value("firewalls", json::array())) {
      const long long id = f.is_object() ? f.value("firewall", 0LL) : 0;
      auto fw = std::find_if(firewalls_.begin(), firewalls_.end(),
                             [&](const Firewall& x) { return x.id == id; });
      if (fw == firewalls_.end()) return Error(422, "invalid_input", "firewall not found");
      s.firewalls.push_back(fw->name);
    }
    const json labels = body.value("labels", json::object());
    for (const auto& [k, v] : labels.items()) s.tags[k] = v.is_string() ? v.get<std::string>() : "";
    Place(&s);
    servers_.push_back(s);
    return Answer(
        201, {{"server", server_json(s)},
              {"action", {{"id", s.id + 1}, {"command", "create_server"}, {"status", "running"}}},
              {"root_password", nullptr}});
  }
  if (path[1] == "servers" && path.size() == 3 && request.method == "DELETE") {
    long long id = 0;
    (void)absl::SimpleAtoi(path[2], &id);
    auto it = std::find_if(servers_.begin(), servers_.end(),
                           [&](const FakeServer& s) { return s.id == id; });
    if (it == servers_.end())
      return Error(404, "not_found", absl::StrCat("server with ID '", path[2], "' not found"));
    servers_.erase(it);
    return Answer(
        200, {{"action", {{"id", id + 1}, {"command", "delete_server"}, {"status", "running"}}}});
  }
  if (path[1] == "ssh_keys" && path.size() == 2) {
    if (request.method == "GET") {
      json items = json::array();
      for (const Key& k : keys_)
        items.push_back({{"id", k.id}, {"name", k.name}, {"public_key", k.public_key}});
      return page("ssh_keys", items);
    }
    json body = json::parse(request.body, nullptr, false);
    const std::string key = body.is_object() ? body.value("public_key", "") : "";
    const std::string name = body.is_object() ? body.value("name", "") : "";
    if (key.rfind("ssh-", 0) != 0) return Error(422, "invalid_input", "invalid public key");
    for (const Key& k : keys_) {
      if (k.public_key == key || k.name == name)
        return Error(409, "uniqueness_error", "SSH key with the same fingerprint already exists");
    }
    keys_.push_back({next_id_++, name, key});
    return Answer(201,
                  {{"ssh_key", {{"id", keys_.back().id}, {"name", name}, {"public_key", key}}}});
  }
  if (path[1] == "firewalls" && path.size() == 2) {
    if (request.method == "GET") {
      json items = json::array();
      for (const Firewall& f : firewalls_) {
        if (!q.count("name") || f.name == q["name"])
          items.push_back({{"id", f.id}, {"name", f.name}});
      }
      return page("firewalls", items);
    }
    json body = json::parse(request.body, nullptr, false);
    if (!body.is_object() || body.value("name", "").empty())
      return Error(422, "invalid_input", "invalid input in field 'name'");
    for (const Firewall& f : firewalls_) {
      if (f.name == body["name"]) return Error(409, "uniqueness_error", "name is already used");
    }
    firewalls_.push_back({next_id_++, body["name"]});
    return Answer(201,
                  {{"firewall", {{"id", firewalls_.back().id}, {"name", firewalls_.back().name}}},
                   {"actions", json::array()}});
  }
  return Error(404, "not_found", "not found");
}

}  // namespace dm::testing
