#include "controller/providers/storage/s3_store.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "common/status_macros.h"
#include "common/tls/digest.h"
#include "controller/providers/aws/sigv4.h"

namespace dm {
namespace {

constexpr char kService[] = "s3";

// S3 answers in XML; the few values read here are found by their element name. Keys are
// restricted (IsObjectKey) and the rest are numbers, dates and opaque tokens, so no XML parser
// is needed: the five predefined entities are all that can occur.
std::string XmlUnescape(absl::string_view text) {
  std::string out(text);
  for (const auto& [entity, c] : std::vector<std::pair<std::string, std::string>>{
           {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&apos;", "'"}, {"&amp;", "&"}}) {
    out = absl::StrReplaceAll(out, {{entity, c}});
  }
  return out;
}

// The text of every <tag>...</tag> in `xml`, in order.
std::vector<std::string> Elements(absl::string_view xml, const std::string& tag) {
  std::vector<std::string> out;
  const std::string open = "<" + tag + ">", close = "</" + tag + ">";
  size_t at = 0;
  while ((at = xml.find(open, at)) != absl::string_view::npos) {
    size_t start = at + open.size();
    size_t end = xml.find(close, start);
    if (end == absl::string_view::npos) break;
    out.push_back(std::string(xml.substr(start, end - start)));
    at = end + close.size();
  }
  return out;
}

std::string First(absl::string_view xml, const std::string& tag) {
  std::vector<std::string> all = Elements(xml, tag);
  return all.empty() ? "" : XmlUnescape(all.front());
}

absl::Status S3Error(const std::string& what, const HttpResponse& r) {
  std::string code = First(r.body, "Code"), message = First(r.body, "Message");
  std::string detail =
      code.empty() ? "" : absl::StrCat(": ", code, message.empty() ? "" : " (" + message + ")");
  std::string text = absl::StrCat("s3: ", what, ": HTTP ", r.status, detail);
  return absl::Status(r.ErrorCode(), text);
}

// "https://host:port/" -> {"https", "host:port"}.
std::pair<std::string, std::string> SplitEndpoint(const std::string& endpoint) {
  size_t scheme_end = endpoint.find("://");
  std::string scheme = scheme_end == std::string::npos ? "https" : endpoint.substr(0, scheme_end);
  std::string host = scheme_end == std::string::npos ? endpoint : endpoint.substr(scheme_end + 3);
  while (!host.empty() && host.back() == '/') host.pop_back();
  return {scheme, host};
}

}  // namespace

S3Signature SignS3Request(const S3SigningInput& input, const S3Options& options) {
  SigV4Request request;
  request.method = input.method;
  request.path = input.path;
  request.query = input.query;
  request.headers = {{"host", input.host}, {"x-amz-content-sha256", input.payload_sha256}};
  request.payload_sha256 = input.payload_sha256;
  SigV4Signature signed_request = SignV4(
      request, {options.access_key, options.secret_key, options.region, kService}, input.now);
  return {signed_request.authorization, signed_request.amz_date};
}

std::string S3ObjectStore::name() const {
  return absl::StrCat("s3:", options_.endpoint, " ", options_.bucket);
}

absl::StatusOr<HttpResponse> S3ObjectStore::Call(
    const std::string& method, const std::string& key,
    std::vector<std::pair<std::string, std::string>> query, const std::string& body,
    std::vector<std::pair<std::string, std::string>> headers) {
  auto [scheme, endpoint_host] = SplitEndpoint(options_.endpoint);
  S3SigningInput input;
  input.method = method;
  if (options_.virtual_hosted) {
    input.host = absl::StrCat(options_.bucket, ".", endpoint_host);
    input.path = absl::StrCat("/", EncodeObjectKey(key));
  } else {
    input.host = endpoint_host;
    input.path =
        absl::StrCat("/", UrlEncode(options_.bucket), key.empty() ? "" : "/", EncodeObjectKey(key));
  }
  input.query = std::move(query);
  input.payload_sha256 = Sha256Hex(body);
  input.now = absl::Now();
  S3Signature signature = SignS3Request(input, options_);

  HttpRequest request;
  request.method = method;
  std::vector<std::string> pairs;
  for (const auto& [k, v] : input.query)
    pairs.push_back(absl::StrCat(UrlEncode(k), "=", UrlEncode(v)));
  request.url = absl::StrCat(scheme, "://", input.host, input.path, pairs.empty() ? "" : "?",
                             absl::StrJoin(pairs, "&"));
  request.body = body;
  request.timeout = absl::Minutes(30);
  request.headers = std::move(headers);
  request.headers.push_back({"x-amz-date", signature.amz_date});
  request.headers.push_back({"x-amz-content-sha256", input.payload_sha256});
  request.headers.push_back({"Authorization", signature.authorization});
  return http_->Send(request);
}

absl::Status S3ObjectStore::EnsureBucket() {
  {
    absl::MutexLock lock(&mu_);
    if (bucket_ready_) return absl::OkStatus();
  }
  DM_ASSIGN_OR_RETURN(HttpResponse head, Call("HEAD", "", {}, ""));
  if (head.status == 404) {
    // Outside us-east-1 a new bucket names its region.
    std::string body =
        options_.region == "us-east-1"
            ? ""
            : absl::StrCat(
                  "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                  "<LocationConstraint>",
                  options_.region, "</LocationConstraint></CreateBucketConfiguration>");
    DM_ASSIGN_OR_RETURN(HttpResponse made,
                        Call("PUT", "", {}, body, {{"Content-Type", "application/xml"}}));
    if (!made.success() && First(made.body, "Code") != "BucketAlreadyOwnedByYou") {
      return S3Error(absl::StrCat("creating bucket ", options_.bucket), made);
    }
  } else if (!head.success()) {
    // HEAD answers carry no error document: say what a 403 usually means.
    return S3Error(
        absl::StrCat(
            "bucket ", options_.bucket,
            head.status == 403 ? " (access denied: check access_key, secret_key and region)" : ""),
        head);
  }
  absl::MutexLock lock(&mu_);
  bucket_ready_ = true;
  return absl::OkStatus();
}

absl::Status S3ObjectStore::Put(const std::string& key, const std::string& data) {
  if (!IsObjectKey(key))
    return absl::InvalidArgumentError(absl::StrCat("'", key, "' is not an object key"));
  DM_RETURN_IF_ERROR(EnsureBucket());
  // The store checks the body against Content-MD5 and the signed SHA-256, and replaces an
  // object whole.
  DM_ASSIGN_OR_RETURN(HttpResponse r, Call("PUT", key, {}, data,
                                           {{"Content-Type", "application/octet-stream"},
                                            {"Content-MD5", Md5Base64(data)}}));
  if (!r.success()) return S3Error(absl::StrCat("storing ", key), r);
  return absl::OkStatus();
}

absl::StatusOr<std::string> S3ObjectStore::Get(const std::string& key) {
  if (!IsObjectKey(key))
    return absl::InvalidArgumentError(absl::StrCat("'", key, "' is not an object key"));
  DM_ASSIGN_OR_RETURN(HttpResponse r, Call("GET", key, {}, ""));
  if (r.status == 404)
    return absl::NotFoundError(absl::StrCat("no object '", key, "' in ", name()));
  if (!r.success()) return S3Error(absl::StrCat("reading ", key), r);
  DM_RETURN_IF_ERROR(CheckDownload("s3", key, r.Header("etag"), r.body));
  return std::move(r.body);
}

absl::StatusOr<std::vector<ObjectInfo>> S3ObjectStore::List(const std::string& prefix) {
  std::vector<ObjectInfo> out;
  std::string token;
  while (true) {
    std::vector<std::pair<std::string, std::string>> query = {
        {"list-type", "2"}, {"max-keys", absl::StrCat(options_.list_page)}, {"prefix", prefix}};
    if (!token.empty()) query.push_back({"continuation-token", token});
    DM_ASSIGN_OR_RETURN(HttpResponse r, Call("GET", "", query, ""));
    if (r.status == 404 && First(r.body, "Code") == "NoSuchBucket")
      return out;  // nothing stored yet
    if (!r.success()) return S3Error(absl::StrCat("listing ", options_.bucket), r);
    for (const std::string& contents : Elements(r.body, "Contents")) {
      ObjectInfo info;
      info.key = First(contents, "Key");
      if (!absl::SimpleAtoi(First(contents, "Size"), &info.size)) info.size = 0;
      std::string error;
      // ISO 8601 in UTC: 2026-11-25T22:46:35.641Z.
      if (!absl::ParseTime("%Y-%m-%dT%H:%M:%E*SZ", First(contents, "LastModified"),
                           absl::UTCTimeZone(), &info.modified, &error)) {
        info.modified = absl::UnixEpoch();
      }
      if (IsObjectKey(info.key)) out.push_back(std::move(info));
    }
    token = First(r.body, "NextContinuationToken");
    if (First(r.body, "IsTruncated") != "true" || token.empty()) break;
  }
  std::sort(out.begin(), out.end(),
            [](const ObjectInfo& a, const ObjectInfo& b) { return a.key < b.key; });
  return out;
}

absl::Status S3ObjectStore::Delete(const std::string& key) {
  if (!IsObjectKey(key))
    return absl::InvalidArgumentError(absl::StrCat("'", key, "' is not an object key"));
  DM_ASSIGN_OR_RETURN(HttpResponse r, Call("DELETE", key, {}, ""));
  if (r.status == 404 || r.success()) return absl::OkStatus();
  return S3Error(absl::StrCat("deleting ", key), r);
}

}  // namespace dm
