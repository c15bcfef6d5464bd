#include "common/tls/openssl_types.h"

#include <openssl/err.h>

#include "absl/strings/str_cat.h"

namespace dm {

BioPtr MemoryBio(const std::string& data) {
  return BioPtr(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
}

std::string BioContents(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(len));
}

absl::Status OpenSslError(const std::string& what, absl::StatusCode code) {
  std::string message = what;
  unsigned long err;
  const char* sep = ": ";
  while ((err = ERR_get_error()) != 0) {
    char buf[256];
    ERR_error_string_n(err, buf, sizeof(buf));
    absl::StrAppend(&message, sep, buf);
    sep = "; ";
  }
  return absl::Status(code, message);
}

}  // namespace dm
