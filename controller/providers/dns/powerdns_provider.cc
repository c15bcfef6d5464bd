#include "controller/providers/dns/powerdns_provider.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/status_macros.h"
#include "nlohmann/json.hpp"

namespace dm {
namespace {

// PowerDNS names are canonical: fully qualified with the trailing dot.
std::string Canonical(const std::string& name) {
  return absl::EndsWith(name, ".") ? name : name + ".";
}
std::string Plain(const std::string& name) { return std::string(absl::StripSuffix(name, ".")); }

// The API's own words ({"error": "..."}), else the body.
std::string ErrorText(const HttpResponse& response) {
  nlohmann::json body = nlohmann::json::parse(response.body, nullptr, false);
  if (body.is_object() && body.contains("error") && body["error"].is_string()) return body["error"];
  return response.body.substr(0, 200);
}

// A record's value as PowerDNS writes it (its "content"): TXT in quotes, names fully qualified.
std::string Content(const std::string& type, const std::string& value) {
  if (type == "TXT") {
    std::string quoted = "\"";
    for (char c : value) {
      if (c == '"' || c == '\\') quoted += '\\';
      quoted += c;
    }
    return quoted + "\"";
  }
  if (type == "CNAME" || type == "NS" || type == "MX") return Canonical(value);
  return value;
}

// And back: the value as the DnsProvider contract has it.
std::string Value(const std::string& type, const std::string& content) {
  if (type == "TXT" && content.size() >= 2 && content.front() == '"' && content.back() == '"') {
    std::string value;
    for (size_t i = 1; i + 1 < content.size(); ++i) {
      if (content[i] == '\\' && i + 2 < content.size()) ++i;
      value += content[i];
    }
    return value;
  }
  if (type == "CNAME" || type == "NS" || type == "MX") return Plain(content);
  return content;
}

bool IsMissingZone(const HttpResponse& response) {
  return response.status == 404 ||
         (response.status == 422 && absl::StrContains(ErrorText(response), "not find"));
}

}  // namespace

absl::StatusOr<HttpResponse> PowerDnsProvider::Call(const std::string& method,
                                                    const std::string& path,
                                                    const std::string& body) {
  HttpRequest request;
  request.method = method;
  request.url = base_url_ + path;
  request.headers = {{"X-API-Key", api_key_}, {"Accept", "application/json"}};
  if (!body.empty()) request.headers.push_back({"Content-Type", "application/json"});
  request.body = body;
  request.timeout = absl::Seconds(15);
  absl::StatusOr<HttpResponse> response = http_->Send(request);
  if (!response.ok())
    return absl::UnavailableError(absl::StrCat("PowerDNS API: ", response.status().message()));
  if (response->status == 401)
    return absl::PermissionDeniedError("PowerDNS API: the API key was refused");
  return response;
}

std::string PowerDnsProvider::ZoneUrl(const std::string& zone) const {
  return absl::StrCat("/api/v1/servers/", UrlEncode(server_id_), "/zones/",
                      UrlEncode(Canonical(zone)));
}

absl::Status PowerDnsProvider::EnsureZone(const std::string& zone) {
  DM_ASSIGN_OR_RETURN(HttpResponse existing, Call("GET", ZoneUrl(zone)));
  if (existing.status == 200) return absl::OkStatus();
  if (!IsMissingZone(existing)) {
    return absl::UnavailableError(absl::StrCat("PowerDNS: zone ", zone, ": HTTP ", existing.status,
                                               ": ", ErrorText(existing)));
  }
  nlohmann::json body = {
      {"name", Canonical(zone)}, {"kind", "Native"}, {"nameservers", nlohmann::json::array()}};
  DM_ASSIGN_OR_RETURN(
      HttpResponse created,
      Call("POST", absl::StrCat("/api/v1/servers/", UrlEncode(server_id_), "/zones"), body.dump()));
  // 409: created meanwhile by someone else, which is what we wanted.
  if (created.status != 201 && created.status != 409) {
    return absl::UnavailableError(absl::StrCat("PowerDNS: creating zone ", zone, ": HTTP ",
                                               created.status, ": ", ErrorText(created)));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<DnsRecord>> PowerDnsProvider::ListRecords(const std::string& zone) {
  DM_ASSIGN_OR_RETURN(HttpResponse response, Call("GET", ZoneUrl(zone)));
  if (IsMissingZone(response)) return absl::NotFoundError(absl::StrCat("no DNS zone ", zone));
  if (response.status != 200) {
    return absl::UnavailableError(absl::StrCat("PowerDNS: zone ", zone, ": HTTP ", response.status,
                                               ": ", ErrorText(response)));
  }
  nlohmann::json body = nlohmann::json::parse(response.body, nullptr, false);
  if (!body.is_object() || !body.contains("rrsets") || !body["rrsets"].is_array()) {
    return absl::UnavailableError(
        absl::StrCat("PowerDNS: zone ", zone, ": an answer without rrsets"));
  }
  std::vector<DnsRecord> records;
  for (const nlohmann::json& rrset : body["rrsets"]) {
    DnsRecord record;
    record.name = Plain(rrset.value("name", ""));
    record.type = rrset.value("type", "");
    record.ttl = rrset.value("ttl", 0);
    if (record.type == "SOA" || record.type == "NS") continue;
    for (const nlohmann::json& r : rrset.value("records", nlohmann::json::array())) {
      if (!r.value("disabled", false))
        record.values.push_back(Value(record.type, r.value("content", "")));
    }
    std::sort(record.values.begin(), record.values.end());
    records.push_back(std::move(record));
  }
  std::sort(records.begin(), records.end(), [](const DnsRecord& a, const DnsRecord& b) {
    return std::tie(a.name, a.type) < std::tie(b.name, b.type);
  });
  return records;
}

absl::Status PowerDnsProvider::Patch(const std::string& zone, const std::string& rrsets_json) {
  DM_ASSIGN_OR_RETURN(HttpResponse response, Call("PATCH", ZoneUrl(zone), rrsets_json));
  if (IsMissingZone(response)) return absl::NotFoundError(absl::StrCat("no DNS zone ", zone));
  if (response.status != 204 && response.status != 200) {
    return absl::UnavailableError(absl::StrCat("PowerDNS: zone ", zone, ": HTTP ", response.status,
                                               ": ", ErrorText(response)));
  }
  return absl::OkStatus();
}

absl::Status PowerDnsProvider::SetRecord(const std::string& zone, const DnsRecord& record) {
  nlohmann::json records = nlohmann::json::array();
  for (const std::string& value : record.values)
    records.push_back({{"content", Content(record.type, value)}, {"disabled", false}});
  nlohmann::json rrset = {{"name", Canonical(record.name)},
                          {"type", record.type},
                          {"ttl", record.ttl},
                          {"changetype", "REPLACE"},
                          {"records", records}};
  return Patch(zone, nlohmann::json{{"rrsets", {rrset}}}.dump());
}

absl::Status PowerDnsProvider::DeleteRecord(const std::string& zone, const std::string& name,
                                            const std::string& type) {
  nlohmann::json rrset = {{"name", Canonical(name)}, {"type", type}, {"changetype", "DELETE"}};
  absl::Status s = Patch(zone, nlohmann::json{{"rrsets", {rrset}}}.dump());
  return absl::IsNotFound(s) ? absl::OkStatus() : s;
}

absl::Status PowerDnsProvider::DeleteZone(const std::string& zone) {
  DM_ASSIGN_OR_RETURN(HttpResponse response, Call("DELETE", ZoneUrl(zone)));
  if (IsMissingZone(response) || response.status == 204 || response.status == 200)
    return absl::OkStatus();
  return absl::UnavailableError(absl::StrCat("PowerDNS: deleting zone ", zone, ": HTTP ",
                                             response.status, ": ", ErrorText(response)));
}

}  // namespace dm
