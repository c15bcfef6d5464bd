// Any bytes as a --providers file: DNS providers, clouds and object stores, or every problem
// with its line, never a crash, and nothing sent anywhere while reading it.
#include <cstddef>
#include <cstdint>
#include <string>

#include "controller/providers/providers_config.h"
#include "fuzz/refusing_http_client.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static dm::fuzz::RefusingHttpClient http;
  dm::DnsProviderSet dns;
  dm::CloudProviderSet cloud;
  dm::StorageSet storage;
  (void)dm::ParseProviders(std::string(reinterpret_cast<const char*>(data), size), "providers.yaml",
                           &http, &dns, &cloud, &storage);
  return 0;
}
