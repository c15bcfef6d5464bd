#include "controller/providers/dns/dnsimple_provider.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/status_macros.h"
#include "nlohmann/json.hpp"

namespace dm {
namespace {

using nlohmann::json;

constexpr int kPerPage = 100;  // the API's largest page

// The API's own words: {"message": "...", "errors": {"field": ["..."]}}.
std::string ErrorText(const HttpResponse& response) {
  json body = json::parse(response.body, nullptr, false);
  if (!body.is_object() || !body.contains("message") || !body["message"].is_string())
    return absl::StrCat("HTTP ", response.status);
  std::string text = body["message"];
  if (body.contains("errors") && body["errors"].is_object()) {
    for (const auto& [field, problems] : body["errors"].items()) {
      if (!problems.is_array()) continue;
      for (const json& p : problems) {
        if (p.is_string()) absl::StrAppend(&text, "; ", field, ": ", p.get<std::string>());
      }
    }
  }
  return absl::StrCat(text, " (HTTP ", response.status, ")");
}

absl::Status Failed(const std::string& what, const HttpResponse& response) {
  const std::string text = absl::StrCat("DNSimple: ", what, ": ", ErrorText(response));
  if (response.status == 404) return absl::NotFoundError(text);
  if (response.status == 400 || response.status == 422) return absl::FailedPreconditionError(text);
  return absl::Status(response.ErrorCode(), text);
}

absl::StatusOr<json> JsonBody(const HttpResponse& response, const std::string& what) {
  json body = json::parse(response.body, nullptr, false);
  if (!body.is_object() || !body.contains("data"))
    return absl::UnavailableError(absl::StrCat("DNSimple: ", what,
                                               ": an answer that is not "
                                               "the API's JSON (no \"data\")"));
  return body;
}

// DNSimple names records relative to the zone: "" is the apex.
std::string Relative(const std::string& name, const std::string& zone) {
  if (name == zone) return "";
  return std::string(absl::StripSuffix(name, absl::StrCat(".", zone)));
}

std::string Absolute(const std::string& relative, const std::string& zone) {
  return relative.empty() ? zone : absl::StrCat(relative, ".", zone);
}

}  // namespace

absl::StatusOr<HttpResponse> DnsimpleProvider::Call(const std::string& method,
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
    return absl::UnavailableError(absl::StrCat("DNSimple API: ", response.status().message()));
  if (response->status == 401) {
    return absl::PermissionDeniedError(
        "DNSimple API: the API token was refused (HTTP 401: missing, revoked or mistyped)");
  }
  return response;
}

absl::StatusOr<std::string> DnsimpleProvider::Account() {
  if (!options_.account_id.empty()) return options_.account_id;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!account_.empty()) return account_;
  }
  DM_ASSIGN_OR_RETURN(HttpResponse response, Call("GET", "/v2/whoami"));
  if (!response.success()) return Failed("who am I", response);
  DM_ASSIGN_OR_RETURN(json body, JsonBody(response, "who am I"));
  const json& account = body["data"].value("account", json());
  if (!account.is_object() || !account.contains("id")) {
    return absl::FailedPreconditionError(
        "DNSimple: the token is a user token, which may reach several accounts: set account_id");
  }
  std::string id = account["id"].is_number() ? std::to_string(account["id"].get<long long>())
                                             : account["id"].get<std::string>();
  std::lock_guard<std::mutex> lock(mu_);
  account_ = id;
  return id;
}

absl::Status DnsimpleProvider::EnsureZone(const std::string& zone) {
  DM_ASSIGN_OR_RETURN(std::string account, Account());
  DM_ASSIGN_OR_RETURN(HttpResponse existing,
                      Call("GET", absl::StrCat("/v2/", account, "/zones/", UrlEncode(zone))));
  if (existing.status == 200) return absl::OkStatus();
  if (existing.status != 404) return Failed(absl::StrCat("zone ", zone), existing);
  DM_ASSIGN_OR_RETURN(HttpResponse created, Call("POST", absl::StrCat("/v2/", account, "/domains"),
                                                 json{{"name", zone}}.dump()));
  if (created.status == 201) return absl::OkStatus();
  return Failed(absl::StrCat("adding domain ", zone), created);
}

absl::StatusOr<std::vector<HostedRecord>> DnsimpleProvider::Records(const std::string& zone,
                                                                    const std::string& name,
                                                                    const std::string& type) {
  DM_ASSIGN_OR_RETURN(std::string account, Account());
  std::string filter;
  if (!name.empty() || !type.empty()) {
    filter = absl::StrCat("&name=", UrlEncode(Relative(name, zone)), "&type=", UrlEncode(type));
  }
  std::vector<HostedRecord> records;
  for (int page = 1, pages = 1; page <= pages; ++page) {
    DM_ASSIGN_OR_RETURN(
        HttpResponse response,
        Call("GET", absl::StrCat("/v2/", account, "/zones/", UrlEncode(zone),
                                 "/records?per_page=", kPerPage, "&page=", page, filter)));
    if (!response.success()) return Failed(absl::StrCat("zone ", zone), response);
    DM_ASSIGN_OR_RETURN(json body, JsonBody(response, absl::StrCat("zone ", zone)));
    if (!body["data"].is_array())
      return absl::UnavailableError(absl::StrCat("DNSimple: zone ", zone, ": data is no list"));
    for (const json& r : body["data"]) {
      if (!r.is_object()) continue;
      const std::string record_type = r.value("type", "");
      if (r.value("system_record", false) || record_type == "SOA" || record_type == "NS") continue;
      HostedRecord record;
      record.id = r.contains("id") && r["id"].is_number() ? std::to_string(r["id"].get<long long>())
                                                          : r.value("id", "");
      record.name = Absolute(r.value("name", ""), zone);
      record.type = record_type;
      record.ttl = r.value("ttl", 0);
      record.value =
          record_type == "TXT" ? UnquotedTxt(r.value("content", "")) : r.value("content", "");
      if (record.id.empty()) {
        return absl::UnavailableError(
            absl::StrCat("DNSimple: zone ", zone, ": a record without an id"));
      }
      records.push_back(std::move(record));
    }
    const json& pagination = body.value("pagination", json::object());
    pages = pagination.is_object() ? pagination.value("total_pages", 1) : 1;
  }
  return records;
}

absl::StatusOr<std::vector<DnsRecord>> DnsimpleProvider::ListRecords(const std::string& zone) {
  absl::StatusOr<std::vector<HostedRecord>> records = Records(zone);
  if (absl::IsNotFound(records.status()))
    return absl::NotFoundError(absl::StrCat("no DNS zone ", zone, " at DNSimple"));
  DM_RETURN_IF_ERROR(records.status());
  return GroupRecordSets(*records);
}

absl::Status DnsimpleProvider::SetRecord(const std::string& zone, const DnsRecord& record) {
  DM_ASSIGN_OR_RETURN(std::string account, Account());
  DM_ASSIGN_OR_RETURN(std::vector<HostedRecord> existing, Records(zone, record.name, record.type));
  const std::string records_path =
      absl::StrCat("/v2/", account, "/zones/", UrlEncode(zone), "/records");
  const RecordSetPlan plan = PlanRecordSet(existing, record);
  const std::string what = absl::StrCat(record.name, " ", record.type);
  for (const std::string& value : plan.create) {
    json body = {{"name", Relative(record.name, zone)},
                 {"type", record.type},
                 {"content", value},
                 {"ttl", record.ttl}};
    DM_ASSIGN_OR_RETURN(HttpResponse created, Call("POST", records_path, body.dump()));
    if (created.status != 201) return Failed(absl::StrCat("adding ", what, " ", value), created);
  }
  for (const std::string& id : plan.retime) {
    DM_ASSIGN_OR_RETURN(HttpResponse updated, Call("PATCH", absl::StrCat(records_path, "/", id),
                                                   json{{"ttl", record.ttl}}.dump()));
    if (!updated.success()) return Failed(absl::StrCat("changing the TTL of ", what), updated);
  }
  for (const std::string& id : plan.remove) {
    DM_ASSIGN_OR_RETURN(HttpResponse removed, Call("DELETE", absl::StrCat(records_path, "/", id)));
    if (!removed.success() && removed.status != 404)
      return Failed(absl::StrCat("removing an old value of ", what), removed);
  }
  return absl::OkStatus();
}

absl::Status DnsimpleProvider::DeleteRecord(const std::string& zone, const std::string& name,
                                            const std::string& type) {
  DnsRecord none;
  none.name = name;
  none.type = type;
  absl::Status status = SetRecord(zone, none);
  return absl::IsNotFound(status) ? absl::OkStatus() : status;
}

absl::Status DnsimpleProvider::DeleteZone(const std::string& zone) {
  DM_ASSIGN_OR_RETURN(std::string account, Account());
  DM_ASSIGN_OR_RETURN(HttpResponse response,
                      Call("DELETE", absl::StrCat("/v2/", account, "/domains/", UrlEncode(zone))));
  if (response.success() || response.status == 404) return absl::OkStatus();
  return Failed(absl::StrCat("deleting domain ", zone), response);
}

}  // namespace dm
