#include "controller/providers/dns/cloudflare_provider.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "common/status_macros.h"
#include "nlohmann/json.hpp"

namespace dm {
namespace {

using nlohmann::json;

constexpr int kPerPage = 100;

// The API's own words: {"success": false, "errors": [{"code": 9003, "message": "..."}]}.
std::string ErrorText(const HttpResponse& response) {
  json body = json::parse(response.body, nullptr, false);
  std::vector<std::string> texts;
  if (body.is_object() && body.contains("errors") && body["errors"].is_array()) {
    for (const json& e : body["errors"]) {
      if (!e.is_object()) continue;
      std::string text = e.value("message", "");
      if (e.contains("code") && e["code"].is_number())
        text = absl::StrCat(text, " (code ", e["code"].get<long long>(), ")");
      texts.push_back(text);
    }
  }
  if (texts.empty()) return absl::StrCat("HTTP ", response.status);
  return absl::StrCat(absl::StrJoin(texts, "; "), ", HTTP ", response.status);
}

absl::Status Failed(const std::string& what, const HttpResponse& response) {
  const std::string text = absl::StrCat("Cloudflare: ", what, ": ", ErrorText(response));
  if (response.status == 404) return absl::NotFoundError(text);
  if (response.status == 400) return absl::FailedPreconditionError(text);
  return absl::Status(response.ErrorCode(), text);
}

// A successful answer's body: {"success": true, "result": ...}.
absl::StatusOr<json> Result(const HttpResponse& response, const std::string& what) {
  if (!response.success()) return Failed(what, response);
  json body = json::parse(response.body, nullptr, false);
  if (!body.is_object() || !body.contains("result") || !body.value("success", false)) {
    return absl::UnavailableError(
        absl::StrCat("Cloudflare: ", what, ": an answer that is not the API's JSON"));
  }
  return body;
}

}  // namespace

absl::StatusOr<HttpResponse> CloudflareProvider::Call(const std::string& method,
                                                      const std::string& path,
                                                      const std::string& body) {
  HttpRequest request;
  request.method = method;
  request.url = absl::StrCat(absl::StripSuffix(options_.api_url, "/"), path);
  request.headers = {{"Authorization", absl::StrCat("Bearer ", options_.api_token)},
                     {"Accept", "application/json"}};
  if (!body.empty()) request.headers.push_back({"Content-Type", "application/json"});
  request.body = body;
  request.timeout = options_.timeout;
  absl::StatusOr<HttpResponse> response = http_->Send(request);
  if (!response.ok())
    return absl::UnavailableError(absl::StrCat("Cloudflare API: ", response.status().message()));
  // Cloudflare refuses a bad token with 400 or 403 and error code 6003/9109/10000.
  if (response->status == 401 || response->status == 403) {
    return absl::PermissionDeniedError(absl::StrCat(
        "Cloudflare API: the API token was refused or lacks a permission: ", ErrorText(*response)));
  }
  return response;
}

absl::StatusOr<std::string> CloudflareProvider::ZoneId(const std::string& zone) {
  DM_ASSIGN_OR_RETURN(HttpResponse response,
                      Call("GET", absl::StrCat("/zones?name=", UrlEncode(zone))));
  DM_ASSIGN_OR_RETURN(json body, Result(response, absl::StrCat("finding zone ", zone)));
  if (!body["result"].is_array() || body["result"].empty() || !body["result"][0].is_object())
    return absl::NotFoundError(absl::StrCat("no DNS zone ", zone, " at Cloudflare"));
  const std::string id = body["result"][0].value("id", "");
  if (id.empty()) return absl::UnavailableError("Cloudflare: a zone without an id");
  return id;
}

absl::Status CloudflareProvider::EnsureZone(const std::string& zone) {
  absl::StatusOr<std::string> id = ZoneId(zone);
  if (!absl::IsNotFound(id.status())) return id.status();
  if (options_.account_id.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "Cloudflare: there is no zone ", zone,
        " and the provider has no account_id to add it with: add the zone in Cloudflare's "
        "dashboard, or set account_id"));
  }
  json request = {{"name", zone}, {"account", {{"id", options_.account_id}}}, {"type", "full"}};
  DM_ASSIGN_OR_RETURN(HttpResponse response, Call("POST", "/zones", request.dump()));
  return Result(response, absl::StrCat("adding zone ", zone)).status();
}

absl::StatusOr<std::vector<HostedRecord>> CloudflareProvider::Records(const std::string& zone_id,
                                                                      const std::string& zone,
                                                                      const std::string& name,
                                                                      const std::string& type) {
  std::string filter;
  if (!name.empty()) absl::StrAppend(&filter, "&name=", UrlEncode(name));
  if (!type.empty()) absl::StrAppend(&filter, "&type=", UrlEncode(type));
  std::vector<HostedRecord> records;
  for (int page = 1, pages = 1; page <= pages; ++page) {
    DM_ASSIGN_OR_RETURN(HttpResponse response,
                        Call("GET", absl::StrCat("/zones/", zone_id, "/dns_records?per_page=",
                                                 kPerPage, "&page=", page, filter)));
    DM_ASSIGN_OR_RETURN(json body, Result(response, absl::StrCat("zone ", zone)));
    if (!body["result"].is_array())
      return absl::UnavailableError(absl::StrCat("Cloudflare: zone ", zone, ": result is no list"));
    for (const json& r : body["result"]) {
      if (!r.is_object()) continue;
      HostedRecord record;
      record.id = r.value("id", "");
      record.name = std::string(absl::StripSuffix(r.value("name", ""), "."));
      record.type = r.value("type", "");
      record.ttl = r.value("ttl", 0);
      record.value =
          record.type == "TXT" ? UnquotedTxt(r.value("content", "")) : r.value("content", "");
      if (record.type == "SOA" || record.type == "NS") continue;
      if (record.id.empty())
        return absl::UnavailableError(
            absl::StrCat("Cloudflare: zone ", zone, ": a record without an id"));
      records.push_back(std::move(record));
    }
    const json& info = body.value("result_info", json::object());
    pages = info.is_object() ? info.value("total_pages", 1) : 1;
  }
  return records;
}

absl::StatusOr<std::vector<DnsRecord>> CloudflareProvider::ListRecords(const std::string& zone) {
  DM_ASSIGN_OR_RETURN(std::string zone_id, ZoneId(zone));
  DM_ASSIGN_OR_RETURN(std::vector<HostedRecord> records, Records(zone_id, zone));
  return GroupRecordSets(records);
}

absl::Status CloudflareProvider::SetRecord(const std::string& zone, const DnsRecord& record) {
  DM_ASSIGN_OR_RETURN(std::string zone_id, ZoneId(zone));
  DM_ASSIGN_OR_RETURN(std::vector<HostedRecord> existing,
                      Records(zone_id, zone, record.name, record.type));
  const std::string records_path = absl::StrCat("/zones/", zone_id, "/dns_records");
  const RecordSetPlan plan = PlanRecordSet(existing, record);
  const std::string what = absl::StrCat(record.name, " ", record.type);
  for (const std::string& value : plan.create) {
    json body = {{"name", record.name},
                 {"type", record.type},
                 {"content", value},
                 {"ttl", record.ttl},
                 {"proxied", false}};
    DM_ASSIGN_OR_RETURN(HttpResponse created, Call("POST", records_path, body.dump()));
    DM_RETURN_IF_ERROR(Result(created, absl::StrCat("adding ", what, " ", value)).status());
  }
  for (const std::string& id : plan.retime) {
    DM_ASSIGN_OR_RETURN(HttpResponse updated, Call("PATCH", absl::StrCat(records_path, "/", id),
                                                   json{{"ttl", record.ttl}}.dump()));
    DM_RETURN_IF_ERROR(Result(updated, absl::StrCat("changing the TTL of ", what)).status());
  }
  for (const std::string& id : plan.remove) {
    DM_ASSIGN_OR_RETURN(HttpResponse removed, Call("DELETE", absl::StrCat(records_path, "/", id)));
    if (removed.status == 404) continue;  // gone already
    DM_RETURN_IF_ERROR(Result(removed, absl::StrCat("removing an old value of ", what)).status());
  }
  return absl::OkStatus();
}

absl::Status CloudflareProvider::DeleteRecord(const std::string& zone, const std::string& name,
                                              const std::string& type) {
  DnsRecord none;
  none.name = name;
  none.type = type;
  absl::Status status = SetRecord(zone, none);
  return absl::IsNotFound(status) ? absl::OkStatus() : status;
}

absl::Status CloudflareProvider::DeleteZone(const std::string& zone) {
  absl::StatusOr<std::string> id = ZoneId(zone);
  if (absl::IsNotFound(id.status())) return absl::OkStatus();
  DM_RETURN_IF_ERROR(id.status());
  DM_ASSIGN_OR_RETURN(HttpResponse response, Call("DELETE", absl::StrCat("/zones/", *id)));
  if (response.status != 404)
    DM_RETURN_IF_ERROR(Result(response, absl::StrCat("deleting zone ", zone)).status());
  return absl::OkStatus();
}

}  // namespace dm
