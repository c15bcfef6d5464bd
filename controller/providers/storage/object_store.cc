#include "controller/providers/storage/object_store.h"

#include <algorithm>
#include <cctype>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/http/http_client.h"
#include "common/tls/digest.h"

namespace dm {

bool IsObjectKey(const std::string& key) {
  if (key.empty() || key.size() > 512) return false;
  for (absl::string_view part : absl::StrSplit(key, '/')) {
    if (part.empty() || part.front() == '.') return false;
    for (char c : part) {
      // ASCII only (std::isalnum would follow the locale).
      if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') {
        return false;
      }
    }
  }
  return true;
}

std::string EncodeObjectKey(const std::string& key) {
  std::vector<std::string> parts;
  for (absl::string_view part : absl::StrSplit(key, '/'))
    parts.push_back(UrlEncode(std::string(part)));
  return absl::StrJoin(parts, "/");
}

absl::Status CheckDownload(const std::string& store, const std::string& key, std::string etag,
                           const std::string& body) {
  etag.erase(std::remove(etag.begin(), etag.end(), '"'), etag.end());
  // A single upload's ETag is its MD5; a multipart or segmented one's is not (it has a suffix).
  if (etag.size() != 32 || !std::all_of(etag.begin(), etag.end(), absl::ascii_isxdigit))
    return absl::OkStatus();
  if (absl::AsciiStrToLower(etag) == Md5Hex(body)) return absl::OkStatus();
  return absl::DataLossError(
      absl::StrCat(store, ": ", key, " arrived damaged (MD5 differs from its ETag)"));
}

}  // namespace dm
