// An HttpClient for fuzz targets that build providers and stores from a file: reading the file
// must send nothing, so any request is a failure the target reports.
#ifndef DM_FUZZ_REFUSING_HTTP_CLIENT_H_
#define DM_FUZZ_REFUSING_HTTP_CLIENT_H_

#include <cstdio>
#include <cstdlib>

#include "common/http/http_client.h"

namespace dm::fuzz {

class RefusingHttpClient : public HttpClient {
 public:
  absl::StatusOr<HttpResponse> Send(const HttpRequest& request) override {
    std::fprintf(stderr, "reading a file sent an HTTP request to %s\n", request.url.c_str());
    std::abort();
  }
};

}  // namespace dm::fuzz

#endif  // DM_FUZZ_REFUSING_HTTP_CLIENT_H_
