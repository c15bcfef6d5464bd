// What the configuration readers accept as a web address: http:// or https://. Shared so that
// every file that names a URL (--providers, --backup-store, a fleet's pip index) agrees.
#ifndef DM_COMMON_HTTP_URL_H_
#define DM_COMMON_HTTP_URL_H_

#include "absl/strings/match.h"
#include "absl/strings/string_view.h"

namespace dm {

inline bool IsHttpUrl(absl::string_view url) {
  return absl::StartsWith(url, "https://") || absl::StartsWith(url, "http://");
}

}  // namespace dm

#endif  // DM_COMMON_HTTP_URL_H_
