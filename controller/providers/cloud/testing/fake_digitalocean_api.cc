#include "controller/providers/cloud/testing/fake_digitalocean_api.h"

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
               {"ratelimit-limit", "5000"},
               {"ratelimit-remaining", "4999"},
               {"ratelimit-reset", "1700003600"}};
  if (!body.is_null()) r.body = body.dump();
  return r;
}

FakeHttpResponse Error(int status, const std::string& id, const std::string& message) {
  return Answer(status, {{"id", id}, {"message", message}});
}

std::string TagWord(const std::string& key, const std::string& value) {
  return value.empty() ? key : absl::StrCat(key, ":", value);
}

}  // namespace

absl::StatusOr<std::unique_ptr<FakeDigitalOceanApi>> FakeDigitalOceanApi::Start(std::string token) {
  std::unique_ptr<FakeDigitalOceanApi> api(new FakeDigitalOceanApi());
  absl::Status started = api->FakeCloudApi::Start(std::move(token));
  if (!started.ok()) return started;
  return api;
}

FakeHttpResponse FakeDigitalOceanApi::Handle(const FakeHttpRequest& request) {
  if (request.Header("authorization") != absl::StrCat("Bearer ", token_))
    return Error(401, "Unauthorized", "Unable to authenticate you");
  const std::vector<std::string> path = absl::StrSplit(request.path, '/', absl::SkipEmpty());
  std::map<std::string, std::string> q = Query(request.query);
  auto droplet_json = [](const FakeServer& s) {
    json tags = json::array();
    for (const auto& [k, v] : s.tags) tags.push_back(TagWord(k, v));
    json v4 = json::array();
    if (s.running()) {
      v4.push_back({{"ip_address", s.public_ip},
                    {"netmask", "255.255.255.0"},
                    {"gateway", "203.0.113.254"},
                    {"type", "public"}});
      v4.push_back({{"ip_address", s.private_ip},
                    {"netmask", "255.255.255.0"},
                    {"gateway", "10.10.0.1"},
                    {"type", "private"}});
    }
    return json{{"id", s.id},
                {"name", s.name},
                {"memory", 1024},
                {"vcpus", 1},
                {"status", s.running() ? "active" : "new"},
                {"created_at", "2026-12-01T10:00:00Z"},
                {"image", {{"id", 7}, {"slug", s.image}, {"name", "Debian 12 x64"}}},
                {"size_slug", s.size},
                {"region", {{"slug", s.region}, {"name", "Frankfurt 1"}}},
                {"networks", {{"v4", v4}, {"v6", json::array()}}},
                {"tags", tags}};
  };
  // A page of `items`, with links.pages.next while more are left.
  auto page = [&](const std::string& key, const json& items) {
    int pages = 1;
    auto [first, last] = PageOf(q, static_cast<int>(items.size()), 20, &pages);
    json shown = json::array();
    for (int i = first; i < last; ++i) shown.push_back(items[i]);
    json links = json::object();
    int current = 1;
    if (q.count("page")) (void)absl::SimpleAtoi(q["page"], &current);
    if (current < pages) {
      links["pages"] = {
          {"next",
           absl::StrCat("https://api.digitalocean.com", request.path, "?page=", current + 1)},
          {"last", absl::StrCat("https://api.digitalocean.com", request.path, "?page=", pages)}};
    }
    return Answer(
        200,
        {{key, shown}, {"links", links}, {"meta", {{"total", static_cast<int>(items.size())}}}});
  };
  if (path.size() < 2 || path[0] != "v2")
    return Error(404, "not_found", "The resource you were accessing could not be found.");

  if (path[1] == "droplets" && path.size() == 2 && request.method == "GET") {
    json items = json::array();
    for (FakeServer& s : servers_) {
      if (q.count("tag_name")) {
        bool tagged = false;
        for (const auto& [k, v] : s.tags) tagged |= TagWord(k, v) == q["tag_name"];
        if (!tagged) continue;
      }
      if (q.count("name") && s.name != q["name"]) continue;
      items.push_back(droplet_json(s));
      if (!s.running()) --s.polls_left;
    }
    return page("droplets", items);
  }
  if (path[1] == "droplets" && path.size() == 2 && request.method == "POST") {
    json body = json::parse(request.body, nullptr, false);
    if (!body.is_object()) return Error(400, "bad_request", "unparseable JSON");
    FakeServer s;
    s.name = body.value("name", "");
    s.region = body.value("region", "");
    s.size = body.value("size", "");
    s.image = body.value("image", "");
    s.user_data = body.value("user_data", "");
    for (const char* field : {"name", "region", "size", "image"}) {
      if (body.value(field, "").empty())
        return Error(422, "unprocessable_entity", absl::StrCat(field, " is required"));
    }
    for (const json& k : body.value("ssh_keys", json::array())) {
      if (!k.is_number() || std::none_of(keys_.begin(), keys_.end(), [&](const Key& key) {
            return key.id == k.get<long long>();
          }))
        return Error(422, "unprocessable_entity", "ssh_keys: no such key");
      s.ssh_keys.push_back(k.get<long long>());
    }
    for (const json& t : body.value("tags", json::array())) {
      const std::string word = t.is_string() ? t.get<std::string>() : "";
      const size_t colon = word.find(':');
      s.tags[word.substr(0, colon)] = colon == std::string::npos ? "" : word.substr(colon + 1);
      for (const Firewall& f : firewalls_) {
        if (f.name == word) s.firewalls.push_back(f.name);  // applied through its tag
      }
    }
    Place(&s);
    servers_.push_back(s);
    return Answer(202, {{"droplet", droplet_json(s)},
                        {"links", {{"actions", {{{"id", s.id + 1}, {"rel", "create"}}}}}}});
  }
  if (path[1] == "droplets" && path.size() == 3) {
    long long id = 0;
    (void)absl::SimpleAtoi(path[2], &id);
    auto it = std::find_if(servers_.begin(), servers_.end(),
                           [&](const FakeServer& s) { return s.id == id; });
    if (it == servers_.end())
      return Error(404, "not_found", "The resource you were accessing could not be found.");
    if (request.method == "DELETE") {
      servers_.erase(it);
      return Answer(204, json());
    }
    json d = droplet_json(*it);
    if (!it->running()) --it->polls_left;
    return Answer(200, {{"droplet", d}});
  }
  if (path[1] == "account" && path.size() == 3 && path[2] == "keys") {
    if (request.method == "GET") {
      json items = json::array();
      for (const Key& k : keys_)
        items.push_back({{"id", k.id},
                         {"name", k.name},
                         {"public_key", k.public_key},
                         {"fingerprint", "3b:16:bf:e4:8b:00:8b:b8:59:8c:a9:d3:f0:19:45:fa"}});
      return page("ssh_keys", items);
    }
    json body = json::parse(request.body, nullptr, false);
    const std::string key = body.is_object() ? body.value("public_key", "") : "";
    if (key.rfind("ssh-", 0) != 0) return Error(422, "unprocessable_entity", "Key invalid type");
    for (const Key& k : keys_) {
      if (k.public_key == key)
        return Error(422, "unprocessable_entity", "SSH Key is already in use on your account");
    }
    keys_.push_back({next_id_++, body.value("name", ""), key});
    return Answer(
        201,
        {{"ssh_key", {{"id", keys_.back().id}, {"name", keys_.back().name}, {"public_key", key}}}});
  }
  if (path[1] == "firewalls" && path.size() == 2) {
    if (request.method == "GET") {
      json items = json::array();
      for (const Firewall& f : firewalls_)
        items.push_back(
            {{"id", absl::StrCat("fw-", f.id)}, {"name", f.name}, {"status", "succeeded"}});
      return page("firewalls", items);
    }
    json body = json::parse(request.body, nullptr, false);
    if (!body.is_object() || body.value("name", "").empty())
      return Error(422, "unprocessable_entity", "name is required");
    if (body.value("inbound_rules", json::array()).empty() &&
        body.value("outbound_rules", json::array()).empty())
      return Error(422, "unprocessable_entity", "must contain at least one rule");
    firewalls_.push_back({next_id_++, body["name"]});
    return Answer(202, {{"firewall",
                         {{"id", absl::StrCat("fw-", firewalls_.back().id)},
                          {"name", firewalls_.back().name},
                          {"status", "waiting"}}}});
  }
  return Error(404, "not_found", "The resource you were accessing could not be found.");
}

}  // namespace dm::testing
