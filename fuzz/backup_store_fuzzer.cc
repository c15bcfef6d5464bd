// Any bytes as a --backup-store file: a store, or every problem with its line, never a crash,
// and nothing sent anywhere while reading it.
#include <cstddef>
#include <cstdint>
#include <string>

#include "controller/providers/storage/backup_store_config.h"
#include "fuzz/refusing_http_client.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static dm::fuzz::RefusingHttpClient http;
  (void)dm::ParseBackupStore(std::string(reinterpret_cast<const char*>(data), size),
                             "backup-store.yaml", &http);
  return 0;
}
