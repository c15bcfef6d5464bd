#include "controller/providers/cloud/ec2_provider.h"

#include <algorithm>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "common/status_macros.h"
#include "common/tls/digest.h"
#include "controller/providers/aws/sigv4.h"

namespace dm {
namespace {

constexpr char kVersion[] = "2016-11-15";
constexpr char kEveryServer[] = "deploymachine";

ProviderState StateOf(const std::string& state) {
  if (state == "pending") return ProviderState::kCreating;
  if (state == "running") return ProviderState::kRunning;
  if (state == "stopping" || state == "stopped") return ProviderState::kStopped;
  return ProviderState::kError;
}

// <Response><Errors><Error><Code>..</Code><Message>..</Message></Error></Errors>..</Response>
std::pair<std::string, std::string> ErrorOf(const std::string& body) {
  absl::StatusOr<xml::Element> root = xml::Parse(body);
  if (!root.ok()) return {"", ""};
  const xml::Element* error = root->Find({"Errors", "Error"});
  if (error == nullptr) return {"", ""};
  return {error->ChildText("Code"), error->ChildText("Message")};
}

absl::StatusCode CodeOf(const std::string& code, long status) {
  if (code == "AuthFailure" || code == "UnauthorizedOperation" || code == "SignatureDoesNotMatch" ||
      code == "InvalidClientTokenId" || status == 401 || status == 403)
    return absl::StatusCode::kPermissionDenied;
  if (absl::EndsWith(code, ".NotFound")) return absl::StatusCode::kNotFound;
  if (absl::EndsWith(code, ".Duplicate") || code == "IdempotentParameterMismatch")
    return absl::StatusCode::kAlreadyExists;
  if (status == 400) return absl::StatusCode::kFailedPrecondition;
  return absl::StatusCode::kUnavailable;
}

ServerInfo ServerOf(const xml::Element& item, const std::string& provider) {
  ServerInfo info;
  info.provider = provider;
  info.id = item.ChildText("instanceId");
  const xml::Element* state = item.Find({"instanceState", "name"});
  info.state = StateOf(state == nullptr ? "" : state->text);
  info.address = item.ChildText("ipAddress");
  info.private_address = item.ChildText("privateIpAddress");
  info.image = item.ChildText("imageId");
  info.size = item.ChildText("instanceType");
  const xml::Element* zone = item.Find({"placement", "availabilityZone"});
  if (zone != nullptr) info.region = zone->text;
  if (const xml::Element* tags = item.Child("tagSet")) {
    for (const xml::Element* tag : tags->Children("item"))
      info.tags[tag->ChildText("key")] = tag->ChildText("value");
  }
  info.name = info.tags.count(kServerTag) ? info.tags[kServerTag] : info.id;
  absl::Time launched;
  std::string error;
  if (absl::ParseTime(absl::RFC3339_full, item.ChildText("launchTime"), &launched, &error))
    info.created = launched;
  return info;
}

// Adds a filter (Filter.N.Name, Filter.N.Value.M) to `params`.
void AddFilter(std::vector<std::pair<std::string, std::string>>* params, int n,
               const std::string& name, const std::vector<std::string>& values) {
  params->push_back({absl::StrCat("Filter.", n, ".Name"), name});
  for (size_t i = 0; i < values.size(); ++i)
    params->push_back({absl::StrCat("Filter.", n, ".Value.", i + 1), values[i]});
}

}  // namespace

Ec2Provider::Ec2Provider(HttpClient* http, Ec2Options options)
    : http_(http), options_(std::move(options)) {
  endpoint_ = options_.cloud.api_url.empty()
                  ? absl::StrCat("https://ec2.", options_.cloud.region, ".amazonaws.com")
                  : std::string(absl::StripSuffix(options_.cloud.api_url, "/"));
}

absl::StatusOr<xml::Element> Ec2Provider::Call(const std::string& action, Params params,
                                               bool read) {
  params.insert(params.begin(), {{"Action", action}, {"Version", kVersion}});
  std::vector<std::string> pairs;
  for (const auto& [k, v] : params) pairs.push_back(absl::StrCat(UrlEncode(k), "=", UrlEncode(v)));
  const std::string form = absl::StrJoin(pairs, "&");
  const size_t scheme = endpoint_.find("://");
  const std::string host = scheme == std::string::npos ? endpoint_ : endpoint_.substr(scheme + 3);

  SigV4Request signing;
  signing.method = read ? "GET" : "POST";
  signing.path = "/";
  signing.headers = {{"host", host}};
  HttpRequest request;
  request.method = signing.method;
  request.timeout = options_.cloud.timeout;
  if (read) {
    signing.query = params;
    request.url = absl::StrCat(endpoint_, "/?", form);
    signing.payload_sha256 = Sha256Hex("");
  } else {
    const std::string type = "application/x-www-form-urlencoded; charset=utf-8";
    signing.headers.push_back({"content-type", type});
    signing.payload_sha256 = Sha256Hex(form);
    request.url = endpoint_ + "/";
    request.body = form;
    request.headers.push_back({"Content-Type", type});
  }
  SigV4Signature signature =
      SignV4(signing, {options_.access_key, options_.secret_key, options_.cloud.region, "ec2"},
             options_.cloud.clock->Now());
  request.headers.push_back({"X-Amz-Date", signature.amz_date});
  request.headers.push_back({"Authorization", signature.authorization});

  absl::StatusOr<HttpResponse> response = http_->Send(request);
  if (!response.ok()) {
    return absl::UnavailableError(
        absl::StrCat("EC2 API: ", action, ": ", response.status().message()));
  }
  if (!response->success()) {
    auto [code, message] = ErrorOf(response->body);
    std::string text = absl::StrCat("EC2 API: ", action, ": ",
                                    code.empty() ? "no message" : absl::StrCat(code, ": ", message),
                                    " (HTTP ", response->status, ")");
    absl::StatusCode status = CodeOf(code, response->status);
    if (status == absl::StatusCode::kPermissionDenied)
      absl::StrAppend(&text, ": the access key was refused, or lacks a permission this call needs");
    return absl::Status(status, text);
  }
  absl::StatusOr<xml::Element> root = xml::Parse(response->body);
  if (!root.ok()) {
    return absl::UnavailableError(absl::StrCat("EC2 API: ", action,
                                               ": an answer that is not the API's XML (",
                                               root.status().message(), ")"));
  }
  return root;
}

absl::StatusOr<std::vector<ServerInfo>> Ec2Provider::Tagged(const std::string& key,
                                                            const std::string& value) {
  std::vector<ServerInfo> servers;
  std::string next;
  do {
    Params params;
    AddFilter(&params, 1, absl::StrCat("tag:", key), {value});
    AddFilter(&params, 2, "instance-state-name", {"pending", "running", "stopping", "stopped"});
    params.push_back({"MaxResults", "1000"});
    if (!next.empty()) params.push_back({"NextToken", next});
    DM_ASSIGN_OR_RETURN(xml::Element root, Call("DescribeInstances", params, true));
    if (root.name != "DescribeInstancesResponse")
      return absl::UnavailableError("EC2 API: DescribeInstances: an answer of another kind");
    if (const xml::Element* reservations = root.Child("reservationSet")) {
      for (const xml::Element* reservation : reservations->Children("item")) {
        const xml::Element* instances = reservation->Child("instancesSet");
        if (instances == nullptr) continue;
        for (const xml::Element* item : instances->Children("item"))
          servers.push_back(ServerOf(*item, options_.cloud.name));
      }
    }
    next = root.ChildText("nextToken");
  } while (!next.empty());
  return servers;
}

absl::StatusOr<std::vector<ServerInfo>> Ec2Provider::List() { return Tagged(kEveryServer, "1"); }

absl::StatusOr<ServerInfo> Ec2Provider::Get(const std::string& name) {
  DM_ASSIGN_OR_RETURN(std::vector<ServerInfo> found, Tagged(kServerTag, name));
  if (found.empty())
    return absl::NotFoundError(absl::StrCat(options_.cloud.name, ": no server ", name));
  return found.front();
}

absl::StatusOr<std::string> Ec2Provider::EnsureKeyPair(const std::string& public_key) {
  const std::string key = PublicKeyWithoutComment(public_key);
  // Named by the key itself, so that two controllers' keys never share a name.
  const std::string name = absl::StrCat("deploymachine-", Sha256Hex(key).substr(0, 16));
  Params find;
  AddFilter(&find, 1, "key-name", {name});
  DM_ASSIGN_OR_RETURN(xml::Element found, Call("DescribeKeyPairs", find, true));
  const xml::Element* keys = found.Child("keySet");
  if (keys != nullptr && !keys->Children("item").empty()) return name;
  absl::StatusOr<xml::Element> imported = Call(
      "ImportKeyPair", {{"KeyName", name}, {"PublicKeyMaterial", absl::Base64Escape(key)}}, false);
  if (!imported.ok() && !absl::IsAlreadyExists(imported.status())) return imported.status();
  return name;
}

absl::StatusOr<std::string> Ec2Provider::EnsureSecurityGroup(
    std::vector<int> ports, const std::vector<std::string>& admit_from) {
  const std::string name = FirewallName(&ports, admit_from);
  Params find;
  AddFilter(&find, 1, "group-name", {name});
  DM_ASSIGN_OR_RETURN(xml::Element found, Call("DescribeSecurityGroups", find, true));
  if (const xml::Element* groups = found.Child("securityGroupInfo")) {
    for (const xml::Element* group : groups->Children("item")) {
      if (group->ChildText("groupName") == name) return group->ChildText("groupId");
    }
  }
  DM_ASSIGN_OR_RETURN(
      xml::Element created,
      Call("CreateSecurityGroup",
           {{"GroupName", name},
            {"GroupDescription", "DeployMachine: SSH, these ports, and its own servers"}},
           false));
  const std::string id = created.ChildText("groupId");
  if (id.empty()) return absl::UnavailableError("EC2 API: CreateSecurityGroup: no groupId");
  // Inbound: these ports from anywhere, everything from the group's own members (the fleet's
  // database and cache traffic). Outbound stays open, as a new group's is.
  Params rules = {{"GroupId", id}};
  int n = 0;
  for (int port : ports) {
    ++n;
    const std::string p = absl::StrCat("IpPermissions.", n, ".");
    rules.push_back({p + "IpProtocol", "tcp"});
    rules.push_back({p + "FromPort", std::to_string(port)});
    rules.push_back({p + "ToPort", std::to_string(port)});
    rules.push_back({p + "IpRanges.1.CidrIp", "0.0.0.0/0"});
  }
  const std::string p = absl::StrCat("IpPermissions.", n + 1, ".");
  rules.push_back({p + "IpProtocol", "-1"});
  rules.push_back({p + "Groups.1.GroupId", id});
  if (!admit_from.empty()) {
    const std::string q = absl::StrCat("IpPermissions.", n + 2, ".");
    rules.push_back({q + "IpProtocol", "tcp"});
    rules.push_back({q + "FromPort", "0"});
    rules.push_back({q + "ToPort", "65535"});
    for (size_t i = 0; i < admit_from.size(); ++i)
      rules.push_back({absl::StrCat(q, "IpRanges.", i + 1, ".CidrIp"), AsCidr(admit_from[i])});
  }
  DM_RETURN_IF_ERROR(Call("AuthorizeSecurityGroupIngress", rules, false).status());
  return id;
}

absl::StatusOr<ServerInfo> Ec2Provider::Create(const ServerSpec& spec, const ProgressFn& progress) {
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
  DM_ASSIGN_OR_RETURN(std::vector<ServerInfo> same_name, Tagged("Name", spec.name));
  if (!same_name.empty()) {
    return absl::AlreadyExistsError(absl::StrCat(options_.cloud.name, ": an instance named ",
                                                 spec.name,
                                                 " exists that DeployMachine did not boot"));
  }
  if (spec.image.empty() && options_.cloud.image.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        options_.cloud.name, ": no image for ", spec.name,
        ": AMI ids differ by region; set image: ami-... in --providers or the fleet file"));
  }
  DM_ASSIGN_OR_RETURN(std::string key, EnsureKeyPair(spec.ssh_public_key));
  DM_ASSIGN_OR_RETURN(std::string group, EnsureSecurityGroup(spec.open_tcp_ports, spec.admit_from));
  Params params = {
      {"ImageId", spec.image.empty() ? options_.cloud.image : spec.image},
      {"InstanceType", spec.size.empty() ? options_.cloud.size : spec.size},
      {"MinCount", "1"},
      {"MaxCount", "1"},
      {"KeyName", key},
      {"SecurityGroupId.1", group},
      // The same server asked for again (an answer lost) is the same instance to EC2.
      {"ClientToken", Sha256Hex(absl::StrCat(spec.name, "\n", spec.user_data)).substr(0, 40)},
      {"TagSpecification.1.ResourceType", "instance"}};
  if (!spec.user_data.empty()) params.push_back({"UserData", absl::Base64Escape(spec.user_data)});
  if (!options_.subnet_id.empty()) params.push_back({"SubnetId", options_.subnet_id});
  if (!spec.region.empty() && spec.region != options_.cloud.region)
    params.push_back({"Placement.AvailabilityZone", spec.region});
  std::map<std::string, std::string> tags = spec.tags;
  tags[kServerTag] = spec.name;
  tags[kEveryServer] = "1";
  tags["Name"] = spec.name;
  int n = 0;
  for (const auto& [k, v] : tags) {
    ++n;
    params.push_back({absl::StrCat("TagSpecification.1.Tag.", n, ".Key"), k});
    params.push_back({absl::StrCat("TagSpecification.1.Tag.", n, ".Value"), v});
  }
  if (progress) progress(absl::StrCat("running instance ", spec.name, " at ", options_.cloud.name));
  DM_RETURN_IF_ERROR(Call("RunInstances", params, false).status());
  return wait();
}

absl::Status Ec2Provider::Delete(const std::string& name) {
  DM_ASSIGN_OR_RETURN(std::vector<ServerInfo> found, Tagged(kServerTag, name));
  if (found.empty())
    return absl::NotFoundError(absl::StrCat(options_.cloud.name, ": no server ", name));
  Params ids;
  for (size_t i = 0; i < found.size(); ++i)
    ids.push_back({absl::StrCat("InstanceId.", i + 1), found[i].id});
  return Call("TerminateInstances", ids, false).status();
}

}  // namespace dm
