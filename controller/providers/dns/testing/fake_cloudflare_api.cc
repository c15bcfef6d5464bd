#include "controller/providers/dns/testing/fake_cloudflare_api.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "nlohmann/json.hpp"

namespace dm::testing {
namespace {

using nlohmann::json;

std::map<std::string, std::string> Query(const std::string& query) {
  std::map<std::string, std::string> params;
  for (absl::string_view pair : absl::StrSplit(query, '&', absl::SkipEmpty())) {
    std::pair<std::string, std::string> kv = absl::StrSplit(pair, absl::MaxSplits('=', 1));
    params[kv.first] = kv.second;
  }
  return params;
}

FakeHttpResponse Answer(int status, json result, json result_info = nullptr) {
  FakeHttpResponse r;
  r.status = status;
  r.headers = {{"Content-Type", "application/json"}};
  json body = {{"success", true},
               {"errors", json::array()},
               {"messages", json::array()},
               {"result", std::move(result)}};
  if (!result_info.is_null()) body["result_info"] = std::move(result_info);
  r.body = body.dump();
  return r;
}

FakeHttpResponse Error(int status, int code, const std::string& message) {
  FakeHttpResponse r;
  r.status = status;
  r.headers = {{"Content-Type", "application/json"}};
  r.body = json{{"success", false},
                {"errors", {{{"code", code}, {"message", message}}}},
                {"messages", json::array()},
                {"result", nullptr}}
               .dump();
  return r;
}

}  // namespace

absl::StatusOr<std::unique_ptr<FakeCloudflareApi>> FakeCloudflareApi::Start(std::string token) {
  std::unique_ptr<FakeCloudflareApi> api(new FakeCloudflareApi());
  api->token_ = std::move(token);
  FakeCloudflareApi* self = api.get();
  absl::StatusOr<std::unique_ptr<FakeHttpServer>> server =
      FakeHttpServer::Start([self](const FakeHttpRequest& r) { return self->Handle(r); });
  if (!server.ok()) return server.status();
  api->server_ = std::move(*server);
  return api;
}

std::string FakeCloudflareApi::NewId() { return absl::StrFormat("%032x", next_id_++); }

void FakeCloudflareApi::set_max_per_page(int n) {
  std::lock_guard<std::mutex> lock(mu_);
  max_per_page_ = n;
}

void FakeCloudflareApi::AddRecord(const std::string& zone, const std::string& name,
                                  const std::string& type, const std::string& content, int ttl) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [id, z] : zones_) {
    if (z.name == zone) z.records.push_back({NewId(), name, type, content, ttl});
  }
}

std::vector<std::string> FakeCloudflareApi::Records(const std::string& zone) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> lines;
  for (const auto& [id, z] : zones_) {
    if (z.name != zone) continue;
    for (const Record& r : z.records)
      lines.push_back(absl::StrCat(r.name, " ", r.type, " ", r.content, " ", r.ttl));
  }
  std::sort(lines.begin(), lines.end());
  return lines;
}

FakeHttpResponse FakeCloudflareApi::Handle(const FakeHttpRequest& request) {
  std::lock_guard<std::mutex> lock(mu_);
  if (request.Header("authorization") != absl::StrCat("Bearer ", token_))
    return Error(403, 10000, "Authentication error");
  const std::vector<std::string> path = absl::StrSplit(request.path, '/', absl::SkipEmpty());
  std::map<std::string, std::string> q = Query(request.query);
  auto zone_json = [](const Zone& z) {
    return json{{"id", z.id},
                {"name", z.name},
                {"status", "active"},
                {"type", "full"},
                {"name_servers", {"ada.ns.cloudflare.com", "bob.ns.cloudflare.com"}}};
  };
  auto record_json = [](const Record& r, const Zone& z) {
    return json{{"id", r.id},      {"zone_id", z.id},    {"zone_name", z.name},
                {"name", r.name},  {"type", r.type},     {"content", r.content},
                {"ttl", r.ttl},    {"proxied", false},   {"proxiable", true},
                {"locked", false}, {"comment", nullptr}, {"tags", json::array()}};
  };
  auto page_of = [&](int count, int* first, int* last) {
    int page = 1, per_page = 100;
    if (q.count("page") && !absl::SimpleAtoi(q["page"], &page)) page = 1;
    if (q.count("per_page") && !absl::SimpleAtoi(q["per_page"], &per_page)) per_page = 100;
    per_page = std::clamp(per_page, 1, max_per_page_);
    *first = std::min(count, (page - 1) * per_page);
    *last = std::min(count, page * per_page);
    return json{{"page", page},
                {"per_page", per_page},
                {"count", *last - *first},
                {"total_count", count},
                {"total_pages", std::max(1, (count + per_page - 1) / per_page)}};
  };

  if (path.empty() || path[0] != "zones") return Error(404, 7000, "No route for that URI");
  if (path.size() == 1 && request.method == "GET") {
    std::vector<const Zone*> matching;
    for (const auto& [id, z] : zones_) {
      if (!q.count("name") || z.name == q["name"]) matching.push_back(&z);
    }
    int first, last;
    json info = page_of(static_cast<int>(matching.size()), &first, &last);
    json result = json::array();
    for (int i = first; i < last; ++i) result.push_back(zone_json(*matching[i]));
    return Answer(200, result, info);
  }
  if (path.size() == 1 && request.method == "POST") {
    json body = json::parse(request.body, nullptr, false);
    const std::string name = body.is_object() ? body.value("name", "") : "";
    if (name.empty()) return Error(400, 1001, "Invalid domain");
    if (!body.contains("account") || body["account"].value("id", "") != kAccount)
      return Error(400, 1116, "Invalid account");
    for (const auto& [id, z] : zones_) {
      if (z.name == name) return Error(400, 1061, absl::StrCat(name, " already exists"));
    }
    Zone zone{NewId(), name, {}};
    zones_[zone.id] = zone;
    return Answer(200, zone_json(zone));
  }
  auto zone = zones_.find(path[1]);
  if (zone == zones_.end()) {
    return Error(400, 7003,
                 absl::StrCat("Could not route to ", request.path,
                              ", perhaps your object identifier is invalid?"));
  }
  if (path.size() == 2 && request.method == "DELETE") {
    json result = {{"id", zone->first}};
    zones_.erase(zone);
    return Answer(200, result);
  }
  if (path.size() < 3 || path[2] != "dns_records") return Error(404, 7000, "No route for that URI");
  std::vector<Record>& records = zone->second.records;
  if (path.size() == 3 && request.method == "GET") {
    std::vector<const Record*> matching;
    for (const Record& r : records) {
      if (q.count("name") && r.name != q["name"]) continue;
      if (q.count("type") && r.type != q["type"]) continue;
      matching.push_back(&r);
    }
    int first, last;
    json info = page_of(static_cast<int>(matching.size()), &first, &last);
    json result = json::array();
    for (int i = first; i < last; ++i) result.push_back(record_json(*matching[i], zone->second));
    return Answer(200, result, info);
  }
  auto valid_ttl = [](int ttl) { return ttl == 1 || (ttl >= 60 && ttl <= 86400); };
  if (path.size() == 3 && request.method == "POST") {
    json body = json::parse(request.body, nullptr, false);
    if (!body.is_object()) return Error(400, 9207, "Request body is invalid.");
    Record r{NewId(), body.value("name", ""), body.value("type", ""), body.value("content", ""),
             body.value("ttl", 1)};
    if (!valid_ttl(r.ttl)) {
      return Error(400, 9021,
                   "Invalid TTL. Must be between 60 and 86400 seconds, or 1 for Automatic.");
    }
    if (r.content.empty()) return Error(400, 9005, "Content for A record is invalid.");
    records.push_back(r);
    return Answer(200, record_json(r, zone->second));
  }
  if (path.size() != 4) return Error(404, 7000, "No route for that URI");
  auto record = std::find_if(records.begin(), records.end(),
                             [&](const Record& r) { return r.id == path[3]; });
  if (record == records.end()) return Error(404, 81044, "Record does not exist.");
  if (request.method == "PATCH") {
    json body = json::parse(request.body, nullptr, false);
    if (body.is_object() && body.contains("ttl")) {
      if (!valid_ttl(body["ttl"])) return Error(400, 9021, "Invalid TTL.");
      record->ttl = body["ttl"];
    }
    return Answer(200, record_json(*record, zone->second));
  }
  if (request.method == "DELETE") {
    json result = {{"id", record->id}};
    records.erase(record);
    return Answer(200, result);
  }
  return Error(405, 10405, "Method not allowed");
}

}  // namespace dm::testing
