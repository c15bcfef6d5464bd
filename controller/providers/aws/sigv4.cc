#include "controller/providers/aws/sigv4.h"

#include <algorithm>
#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/http/http_client.h"
#include "common/tls/digest.h"

namespace dm {
namespace {

// A header value as SigV4 canonicalizes it: outer spaces trimmed, inner runs of spaces made one.
std::string CanonicalValue(const std::string& value) {
  std::string out;
  bool space = false;
  for (char c : absl::StripAsciiWhitespace(value)) {
    if (c == ' ') {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

}  // namespace

SigV4Signature SignV4(const SigV4Request& request, const SigV4Key& key, absl::Time now) {
  SigV4Signature out;
  out.amz_date = absl::FormatTime("%Y%m%dT%H%M%SZ", now, absl::UTCTimeZone());
  const std::string date = out.amz_date.substr(0, 8);
  const std::string scope = absl::StrCat(date, "/", key.region, "/", key.service, "/aws4_request");

  std::vector<std::pair<std::string, std::string>> query;
  for (const auto& [k, v] : request.query) query.push_back({UrlEncode(k), UrlEncode(v)});
  std::sort(query.begin(), query.end());
  std::vector<std::string> pairs;
  for (const auto& [k, v] : query) pairs.push_back(absl::StrCat(k, "=", v));

  // Names lower-cased and sorted; a name given twice has its values joined by commas, in order.
  std::map<std::string, std::vector<std::string>> headers;
  for (const auto& [name, value] : request.headers)
    headers[absl::AsciiStrToLower(name)].push_back(CanonicalValue(value));
  headers["x-amz-date"] = {out.amz_date};
  std::string canonical_headers;
  std::vector<std::string> names;
  for (const auto& [name, values] : headers) {
    absl::StrAppend(&canonical_headers, name, ":", absl::StrJoin(values, ","), "\n");
    names.push_back(name);
  }
  const std::string signed_headers = absl::StrJoin(names, ";");

  out.canonical_request =
      absl::StrCat(request.method, "\n", request.path, "\n", absl::StrJoin(pairs, "&"), "\n",
                   canonical_headers, "\n", signed_headers, "\n", request.payload_sha256);
  out.string_to_sign = absl::StrCat("AWS4-HMAC-SHA256\n", out.amz_date, "\n", scope, "\n",
                                    Sha256Hex(out.canonical_request));
  std::string signing = HmacSha256("AWS4" + key.secret_key, date);
  signing = HmacSha256(signing, key.region);
  signing = HmacSha256(signing, key.service);
  signing = HmacSha256(signing, "aws4_request");
  out.authorization =
      absl::StrCat("AWS4-HMAC-SHA256 Credential=", key.access_key, "/", scope,
                   ", SignedHeaders=", signed_headers,
                   ", Signature=", HexEncode(HmacSha256(signing, out.string_to_sign)));
  return out;
}

}  // namespace dm
