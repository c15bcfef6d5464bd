#include "controller/providers/dns/testing/fake_dnsimple_api.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "nlohmann/json.hpp"

namespace dm::testing {
namespace {

using nlohmann::json;

std::map<std::string, std::string> Query(const std::string& query) {
  std::map<std::string, std::string> params;
  for (absl::string_view pair : absl::StrSplit(query, '&', absl::SkipEmpty())) {
    std::pair<std::string, std::string> kv = absl::StrSplit(pair, absl::MaxSplits('=', 1));
    params[kv.first] = kv.second;  // the tests' values need no decoding
  }
  return params;
}

FakeHttpResponse Answer(int status, const json& body) {
  FakeHttpResponse r;
  r.status = status;
  r.headers = {{"Content-Type", "application/json"},
               {"X-RateLimit-Limit", "2400"},
               {"X-RateLimit-Remaining", "2399"},
               {"X-RateLimit-Reset", "1700003600"}};
  if (!body.is_null()) r.body = body.dump();
  return r;
}

FakeHttpResponse Invalid(const std::string& field, const std::string& problem) {
  return Answer(400, {{"message", "Validation failed"}, {"errors", {{field, {problem}}}}});
}

std::string Quoted(const std::string& text) {
  return text.size() >= 2 && text.front() == '"' && text.back() == '"'
             ? text
             : absl::StrCat("\"", text, "\"");
}

}  // namespace

absl::StatusOr<std::unique_ptr<FakeDnsimpleApi>> FakeDnsimpleApi::Start(std::string token) {
  std::unique_ptr<FakeDnsimpleApi> api(new FakeDnsimpleApi());
  api->token_ = std::move(token);
  FakeDnsimpleApi* self = api.get();
  absl::StatusOr<std::unique_ptr<FakeHttpServer>> server =
      FakeHttpServer::Start([self](const FakeHttpRequest& r) { return self->Handle(r); });
  if (!server.ok()) return server.status();
  api->server_ = std::move(*server);
  return api;
}

void FakeDnsimpleApi::set_max_per_page(int n) {
  std::lock_guard<std::mutex> lock(mu_);
  max_per_page_ = n;
}

void FakeDnsimpleApi::AddRecord(const std::string& zone, const std::string& name,
                                const std::string& type, const std::string& content, int ttl) {
  std::lock_guard<std::mutex> lock(mu_);
  zones_[zone].push_back(
      {next_id_++, name, type, type == "TXT" ? Quoted(content) : content, ttl, false});
}

std::vector<std::string> FakeDnsimpleApi::Records(const std::string& zone) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> lines;
  for (const Record& r : zones_[zone]) {
    if (!r.system) lines.push_back(absl::StrCat(r.name, " ", r.type, " ", r.content, " ", r.ttl));
  }
  std::sort(lines.begin(), lines.end());
  return lines;
}

FakeHttpResponse FakeDnsimpleApi::Handle(const FakeHttpRequest& request) {
  std::lock_guard<std::mutex> lock(mu_);
  if (request.Header("authorization") != absl::StrCat("Bearer ", token_))
    return Answer(401, {{"message", "Authentication failed"}});
  const std::vector<std::string> path = absl::StrSplit(request.path, '/', absl::SkipEmpty());
  auto record_json = [](const Record& r, const std::string& zone) {
    return json{{"id", r.id},
                {"zone_id", zone},
                {"parent_id", nullptr},
                {"name", r.name},
                {"content", r.content},
                {"ttl", r.ttl},
                {"priority", nullptr},
                {"type", r.type},
                {"regions", {"global"}},
                {"system_record", r.system},
                {"created_at", "2026-12-01T10:00:00Z"},
                {"updated_at", "2026-12-01T10:00:00Z"}};
  };
  if (path == std::vector<std::string>{"v2", "whoami"}) {
    return Answer(
        200, {{"data",
               {{"user", nullptr}, {"account", {{"id", 1010}, {"email", "ops@shop.example"}}}}}});
  }
  if (path.size() < 3 || path[0] != "v2" || path[1] != kAccount)
    return Answer(404, {{"message", "Account not found"}});

  // /v2/{account}/domains[/{domain}]
  if (path[2] == "domains") {
    if (path.size() == 3 && request.method == "POST") {
      json body = json::parse(request.body, nullptr, false);
      const std::string name = body.is_object() ? body.value("name", "") : "";
      if (name.empty()) return Invalid("name", "can't be blank");
      if (zones_.count(name)) return Invalid("name", "has already been taken");
      zones_[name] = {
          {next_id_++, "", "SOA", "ns1.dnsimple.com admin.dnsimple.com 1 86400", 3600, true},
          {next_id_++, "", "NS", "ns1.dnsimple.com", 3600, true}};
      return Answer(
          201, {{"data",
                 {{"id", next_id_++}, {"account_id", 1010}, {"name", name}, {"state", "hosted"}}}});
    }
    if (path.size() == 4 && request.method == "DELETE") {
      if (!zones_.erase(path[3])) return Answer(404, {{"message", "Domain not found"}});
      return Answer(204, json());
    }
    return Answer(405, {{"message", "Method not allowed"}});
  }
  if (path[2] != "zones" || path.size() < 4) return Answer(404, {{"message", "Not found"}});
  const std::string zone = path[3];
  auto it = zones_.find(zone);
  if (it == zones_.end())
    return Answer(404, {{"message", absl::StrCat("Zone `", zone, "` not found")}});
  std::vector<Record>& records = it->second;
  if (path.size() == 4 && request.method == "GET")
    return Answer(200, {{"data", {{"id", 1}, {"account_id", 1010}, {"name", zone}}}});
  if (path.size() < 5 || path[4] != "records") return Answer(404, {{"message", "Not found"}});

  if (path.size() == 5 && request.method == "GET") {
    std::map<std::string, std::string> q = Query(request.query);
    int page = 1, per_page = 30;  // the API's default page size
    if (q.count("page") && !absl::SimpleAtoi(q["page"], &page)) page = 1;
    if (q.count("per_page") && !absl::SimpleAtoi(q["per_page"], &per_page)) per_page = 30;
    per_page = std::clamp(per_page, 1, max_per_page_);
    std::vector<const Record*> matching;
    for (const Record& r : records) {
      if (q.count("name") && r.name != q["name"]) continue;
      if (q.count("type") && !q["type"].empty() && r.type != q["type"]) continue;
      matching.push_back(&r);
    }
    const int total = static_cast<int>(matching.size());
    const int pages = std::max(1, (total + per_page - 1) / per_page);
    json data = json::array();
    for (int i = (page - 1) * per_page; i < std::min(total, page * per_page); ++i)
      data.push_back(record_json(*matching[i], zone));
    return Answer(200, {{"data", data},
                        {"pagination",
                         {{"current_page", page},
                          {"per_page", per_page},
                          {"total_entries", total},
                          {"total_pages", pages}}}});
  }
  if (path.size() == 5 && request.method == "POST") {
    json body = json::parse(request.body, nullptr, false);
    if (!body.is_object()) return Answer(400, {{"message", "Invalid JSON"}});
    Record r{next_id_++,
             body.value("name", ""),
             body.value("type", ""),
             body.value("content", ""),
             body.value("ttl", 3600),
             false};
    static const std::vector<std::string> kTypes = {"A", "AAAA", "CNAME", "TXT", "MX", "ALIAS"};
    if (std::find(kTypes.begin(), kTypes.end(), r.type) == kTypes.end())
      return Invalid("type", "is not included in the list");
    if (r.content.empty()) return Invalid("content", "can't be blank");
    if (r.type == "TXT") r.content = Quoted(r.content);
    records.push_back(r);
    return Answer(201, {{"data", record_json(r, zone)}});
  }
  long long id = 0;
  if (path.size() != 6 || !absl::SimpleAtoi(path[5], &id))
    return Answer(404, {{"message", "Record not found"}});
  auto record = std::find_if(records.begin(), records.end(),
                             [id](const Record& r) { return r.id == id && !r.system; });
  if (record == records.end()) return Answer(404, {{"message", "Record not found"}});
  if (request.method == "PATCH") {
    json body = json::parse(request.body, nullptr, false);
    if (body.is_object() && body.contains("ttl")) record->ttl = body["ttl"];
    return Answer(200, {{"data", record_json(*record, zone)}});
  }
  if (request.method == "DELETE") {
    records.erase(record);
    return Answer(204, json());
  }
  return Answer(405, {{"message", "Method not allowed"}});
}

}  // namespace dm::testing
