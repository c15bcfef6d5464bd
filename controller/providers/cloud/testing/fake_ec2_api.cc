#include "controller/providers/cloud/testing/fake_ec2_api.h"

#include <algorithm>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/tls/digest.h"
#include "controller/providers/aws/sigv4.h"

namespace dm::testing {
namespace {

constexpr char kXmlns[] = "http://ec2.amazonaws.com/doc/2016-11-15/";

std::string Escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

FakeHttpResponse Xml(int status, const std::string& body) {
  FakeHttpResponse r;
  r.status = status;
  r.headers = {{"Content-Type", "text/xml;charset=UTF-8"}};
  r.body = absl::StrCat("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", body);
  return r;
}

FakeHttpResponse Answer(const std::string& action, const std::string& inner) {
  return Xml(200, absl::StrCat("<", action, "Response xmlns=\"", kXmlns,
                               "\"><requestId>59dbff89-35bd-4eac-99ed-be587example</requestId>",
                               inner, "</", action, "Response>"));
}

FakeHttpResponse Error(int status, const std::string& code, const std::string& message) {
  return Xml(status,
             absl::StrCat("<Response><Errors><Error><Code>", code, "</Code><Message>",
                          Escape(message), "</Message></Error></Errors>",
                          "<RequestID>ea966190-f9aa-478e-9ede-example</RequestID></Response>"));
}

// The values of Filter.N.Value.M for the filter named `name`.
std::vector<std::string> FilterValues(const std::map<std::string, std::string>& p,
                                      const std::string& name) {
  for (int n = 1; n < 20; ++n) {
    auto it = p.find(absl::StrCat("Filter.", n, ".Name"));
    if (it == p.end()) break;
    if (it->second != name) continue;
    std::vector<std::string> values;
    for (int m = 1; p.count(absl::StrCat("Filter.", n, ".Value.", m)); ++m)
      values.push_back(p.at(absl::StrCat("Filter.", n, ".Value.", m)));
    return values;
  }
  return {};
}

}  // namespace

absl::StatusOr<std::unique_ptr<FakeEc2Api>> FakeEc2Api::Start(std::string secret_key) {
  std::unique_ptr<FakeEc2Api> api(new FakeEc2Api());
  api->max_per_page_ = 1000;
  absl::Status started = api->FakeCloudApi::Start(std::move(secret_key));
  if (!started.ok()) return started;
  return api;
}

std::string FakeEc2Api::CheckSignature(const FakeHttpRequest& request) {
  // AWS4-HMAC-SHA256 Credential=AK/DATE/REGION/ec2/aws4_request, SignedHeaders=a;b, Signature=hex
  const std::string authorization = request.Header("authorization");
  std::map<std::string, std::string> parts;
  for (absl::string_view part :
       absl::StrSplit(absl::StripPrefix(authorization, "AWS4-HMAC-SHA256 "), ", ")) {
    std::pair<std::string, std::string> kv = absl::StrSplit(part, absl::MaxSplits('=', 1));
    parts[kv.first] = kv.second;
  }
  std::vector<std::string> credential = absl::StrSplit(parts["Credential"], '/');
  if (credential.size() != 5 || credential[0] != kAccessKey) return "AuthFailure";
  if (credential[2] != kRegion || credential[3] != "ec2") return "SignatureDoesNotMatch";
  // 20261206T223000Z
  const std::string date = request.Header("x-amz-date");
  int y, mo, d, h, mi, se;
  if (date.size() != 16 || !absl::SimpleAtoi(date.substr(0, 4), &y) ||
      !absl::SimpleAtoi(date.substr(4, 2), &mo) || !absl::SimpleAtoi(date.substr(6, 2), &d) ||
      !absl::SimpleAtoi(date.substr(9, 2), &h) || !absl::SimpleAtoi(date.substr(11, 2), &mi) ||
      !absl::SimpleAtoi(date.substr(13, 2), &se))
    return "AuthFailure";
  const absl::Time signed_at =
      absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, se), absl::UTCTimeZone());
  SigV4Request check;
  check.method = request.method;
  check.path = request.path;
  check.payload_sha256 = Sha256Hex(request.body);
  if (request.method == "GET") {
    for (const auto& [k, v] : Query(request.query)) check.query.push_back({k, v});
  }
  for (absl::string_view name : absl::StrSplit(parts["SignedHeaders"], ';')) {
    if (name != "x-amz-date")
      check.headers.push_back({std::string(name), request.Header(std::string(name))});
  }
  SigV4Signature expected = SignV4(check, {kAccessKey, token_, kRegion, "ec2"}, signed_at);
  return expected.authorization == authorization ? "" : "SignatureDoesNotMatch";
}

FakeHttpResponse FakeEc2Api::Handle(const FakeHttpRequest& request) {
  if (const std::string refused = CheckSignature(request); !refused.empty()) {
    return refused == "AuthFailure"
               ? Error(401, "AuthFailure",
                       "AWS was not able to validate the provided access credentials")
               : Error(403, "SignatureDoesNotMatch",
                       "The request signature we calculated does not match the signature you "
                       "provided.");
  }
  std::map<std::string, std::string> p =
      Query(request.method == "GET" ? request.query : request.body);
  const std::string action = p["Action"];
  if (p["Version"] != "2016-11-15") return Error(400, "InvalidParameterValue", "Version");
  auto instance_xml = [&](const FakeServer& s) {
    std::string tags;
    for (const auto& [k, v] : s.tags)
      absl::StrAppend(&tags, "<item><key>", Escape(k), "</key><value>", Escape(v),
                      "</value></item>");
    const bool gone = terminated_.count(s.id) > 0;
    const std::string state = gone ? "terminated" : s.running() ? "running" : "pending";
    const int code = gone ? 48 : s.running() ? 16 : 0;
    return absl::StrCat("<item><instanceId>i-", s.id, "</instanceId><imageId>", Escape(s.image),
                        "</imageId><instanceState><code>", code, "</code><name>", state,
                        "</name></instanceState><privateIpAddress>",
                        s.running() ? s.private_ip : "", "</privateIpAddress>",
                        s.running() ? absl::StrCat("<ipAddress>", s.public_ip, "</ipAddress>") : "",
                        "<instanceType>", Escape(s.size),
                        "</instanceType><launchTime>2026-12-01T10:00:00.000Z",
                        "</launchTime><placement><availabilityZone>", Escape(s.region),
                        "</availabilityZone></placement><tagSet>", tags, "</tagSet></item>");
  };
  auto id_of = [](const std::string& text) {
    long long id = 0;
    (void)absl::SimpleAtoi(absl::StripPrefix(text, "i-"), &id);
    return id;
  };

  if (action == "DescribeInstances") {
    std::vector<FakeServer*> matching;
    for (FakeServer& s : servers_) {
      bool keep = true;
      for (int n = 1; p.count(absl::StrCat("Filter.", n, ".Name")); ++n) {
        const std::string name = p[absl::StrCat("Filter.", n, ".Name")];
        std::vector<std::string> values = FilterValues(p, name);
        std::string actual;
        if (absl::StartsWith(name, "tag:")) {
          auto it = s.tags.find(name.substr(4));
          if (it == s.tags.end())
            keep = false;
          else
            actual = it->second;
        } else if (name == "instance-state-name") {
          actual = terminated_.count(s.id) ? "terminated" : s.running() ? "running" : "pending";
        } else {
          return Error(400, "InvalidParameterValue",
                       absl::StrCat("The filter '", name, "' is invalid"));
        }
        if (keep && std::find(values.begin(), values.end(), actual) == values.end()) keep = false;
      }
      if (keep) matching.push_back(&s);
    }
    int max = 1000;
    if (p.count("MaxResults") &&
        (!absl::SimpleAtoi(p["MaxResults"], &max) || max < 5 || max > 1000))
      return Error(400, "InvalidParameterValue", "MaxResults must be between 5 and 1000");
    max = std::min(max, max_per_page_);
    int first = 0;
    if (p.count("NextToken"))
      (void)absl::SimpleAtoi(absl::StripPrefix(p["NextToken"], "page-"), &first);
    const int last = std::min(static_cast<int>(matching.size()), first + max);
    std::string items;
    for (int i = first; i < last; ++i) {
      absl::StrAppend(&items, "<item><reservationId>r-", matching[i]->id, "</reservationId>",
                      "<instancesSet>", instance_xml(*matching[i]), "</instancesSet></item>");
      if (!matching[i]->running()) --matching[i]->polls_left;
    }
    return Answer(action, absl::StrCat("<reservationSet>", items, "</reservationSet>",
                                       last < static_cast<int>(matching.size())
                                           ? absl::StrCat("<nextToken>page-", last, "</nextToken>")
                                           : ""));
  }
  if (action == "RunInstances") {
    if (request.method != "POST")
      return Error(400, "InvalidAction", "RunInstances is a change: POST");
    const std::string token = p["ClientToken"];
    if (!token.empty() && client_tokens_.count(token)) {
      for (const FakeServer& s : servers_) {
        if (s.id == client_tokens_[token])
          return Answer(action, absl::StrCat("<instancesSet>", instance_xml(s), "</instancesSet>"));
      }
    }
    FakeServer s;
    s.image = p["ImageId"];
    s.size = p["InstanceType"];
    s.region =
        p.count("Placement.AvailabilityZone") ? p["Placement.AvailabilityZone"] : "eu-central-1a";
    if (s.image.empty())
      return Error(400, "MissingParameter", "The request must contain the parameter ImageId");
    if (p["MinCount"] != "1" || p["MaxCount"] != "1")
      return Error(400, "InvalidParameterValue", "MinCount and MaxCount");
    auto key = std::find_if(keys_.begin(), keys_.end(),
                            [&](const Key& k) { return k.name == p["KeyName"]; });
    if (key == keys_.end())
      return Error(400, "InvalidKeyPair.NotFound",
                   absl::StrCat("The key pair '", p["KeyName"], "' does not exist"));
    s.ssh_keys.push_back(key->id);
    for (int n = 1; p.count(absl::StrCat("SecurityGroupId.", n)); ++n) {
      const std::string id = p[absl::StrCat("SecurityGroupId.", n)];
      auto group = std::find_if(firewalls_.begin(), firewalls_.end(),
                                [&](const Firewall& f) { return absl::StrCat("sg-", f.id) == id; });
      if (group == firewalls_.end())
        return Error(400, "InvalidGroup.NotFound",
                     absl::StrCat("The security group '", id, "' does not exist"));
      s.firewalls.push_back(group->name);
    }
    for (int n = 1; p.count(absl::StrCat("TagSpecification.1.Tag.", n, ".Key")); ++n)
      s.tags[p[absl::StrCat("TagSpecification.1.Tag.", n, ".Key")]] =
          p[absl::StrCat("TagSpecification.1.Tag.", n, ".Value")];
    s.name = s.tags.count("Name") ? s.tags["Name"] : "";
    std::string user_data;
    if (p.count("UserData") && !absl::Base64Unescape(p["UserData"], &user_data))
      return Error(400, "InvalidParameterValue", "Invalid BASE64 encoding of user data");
    s.user_data = user_data;
    Place(&s);
    servers_.push_back(s);
    if (!token.empty()) client_tokens_[token] = s.id;
    return Answer(action, absl::StrCat("<reservationId>r-", s.id, "</reservationId><instancesSet>",
                                       instance_xml(s), "</instancesSet>"));
  }
  if (action == "TerminateInstances") {
    std::string items;
    for (int n = 1; p.count(absl::StrCat("InstanceId.", n)); ++n) {
      const long long id = id_of(p[absl::StrCat("InstanceId.", n)]);
      auto it = std::find_if(servers_.begin(), servers_.end(),
                             [&](const FakeServer& s) { return s.id == id; });
      if (it == servers_.end())
        return Error(400, "InvalidInstanceID.NotFound",
                     absl::StrCat("The instance ID '", p[absl::StrCat("InstanceId.", n)],
                                  "' does not exist"));
      // A terminated instance is gone for the tests; EC2 lists it for a while as "terminated".
      servers_.erase(it);
      absl::StrAppend(&items, "<item><instanceId>i-", id,
                      "</instanceId><currentState><code>32</code>",
                      "<name>shutting-down</name></currentState></item>");
    }
    return Answer(action, absl::StrCat("<instancesSet>", items, "</instancesSet>"));
  }
  if (action == "DescribeKeyPairs") {
    std::vector<std::string> names = FilterValues(p, "key-name");
    std::string items;
    for (const Key& k : keys_) {
      if (names.empty() || std::find(names.begin(), names.end(), k.name) != names.end())
        absl::StrAppend(&items, "<item><keyPairId>key-", k.id, "</keyPairId><keyName>",
                        Escape(k.name), "</keyName></item>");
    }
    return Answer(action, absl::StrCat("<keySet>", items, "</keySet>"));
  }
  if (action == "ImportKeyPair") {
    std::string material;
    if (!absl::Base64Unescape(p["PublicKeyMaterial"], &material) || material.rfind("ssh-", 0) != 0)
      return Error(400, "InvalidKey.Format", "Key is not in valid OpenSSH public key format");
    for (const Key& k : keys_) {
      if (k.name == p["KeyName"])
        return Error(400, "InvalidKeyPair.Duplicate", absl::StrCat("The keypair already exists"));
    }
    keys_.push_back({next_id_++, p["KeyName"], material});
    return Answer(action,
                  absl::StrCat("<keyName>", Escape(p["KeyName"]), "</keyName><keyPairId>key-",
                               keys_.back().id, "</keyPairId>"));
  }
  if (action == "DescribeSecurityGroups") {
    std::vector<std::string> names = FilterValues(p, "group-name");
    std::string items;
    for (const Firewall& f : firewalls_) {
      if (names.empty() || std::find(names.begin(), names.end(), f.name) != names.end())
        absl::StrAppend(&items, "<item><groupId>sg-", f.id, "</groupId><groupName>", Escape(f.name),
                        "</groupName></item>");
    }
    return Answer(action, absl::StrCat("<securityGroupInfo>", items, "</securityGroupInfo>"));
  }
  if (action == "CreateSecurityGroup") {
    if (p["GroupName"].empty() || p["GroupDescription"].empty())
      return Error(400, "MissingParameter", "GroupName and GroupDescription are required");
    for (const Firewall& f : firewalls_) {
      if (f.name == p["GroupName"])
        return Error(400, "InvalidGroup.Duplicate", "The security group already exists");
    }
    firewalls_.push_back({next_id_++, p["GroupName"]});
    return Answer(action, absl::StrCat("<return>true</return><groupId>sg-", firewalls_.back().id,
                                       "</groupId>"));
  }
  if (action == "AuthorizeSecurityGroupIngress") {
    if (!p.count("IpPermissions.1.IpProtocol"))
      return Error(400, "MissingParameter", "IpPermissions");
    return Answer(action, "<return>true</return>");
  }
  return Error(400, "InvalidAction",
               absl::StrCat("The action ", action, " is not valid for this web service."));
}

}  // namespace dm::testing
