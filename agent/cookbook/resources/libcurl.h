// libcurl, loaded when a remote_file resource first downloads rather than linked: dm-agent then
// starts without loading libcurl's dozen dependencies (its start-up is part of every converge),
// and runs on hosts without libcurl as long as no recipe downloads. The functions are the ones
// libcurl documents as its easy interface.
#ifndef DM_AGENT_COOKBOOK_RESOURCES_LIBCURL_H_
#define DM_AGENT_COOKBOOK_RESOURCES_LIBCURL_H_

#include <curl/curl.h>

#include "absl/status/statusor.h"

namespace dm::cookbook {

struct Libcurl {
  CURLcode (*global_init)(long flags);
  CURL* (*easy_init)();
  CURLcode (*easy_setopt)(CURL* curl, CURLoption option, ...);
  CURLcode (*easy_perform)(CURL* curl);
  void (*easy_cleanup)(CURL* curl);
  const char* (*easy_strerror)(CURLcode code);
};

// The loaded and initialised library, or FailedPrecondition naming the package to install.
// Thread-safe; loads once.
absl::StatusOr<const Libcurl*> LoadLibcurl();

}  // namespace dm::cookbook

#endif  // DM_AGENT_COOKBOOK_RESOURCES_LIBCURL_H_
