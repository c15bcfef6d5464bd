// Owning smart pointers for OpenSSL objects and a helper that turns OpenSSL's error queue into a
// status. Everything in common/tls/ returns these instead of raw pointers.
#ifndef DM_COMMON_TLS_OPENSSL_TYPES_H_
#define DM_COMMON_TLS_OPENSSL_TYPES_H_

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <string>

#include "absl/status/status.h"

namespace dm {

template <typename T, void (*Free)(T*)>
struct OpenSslDeleter {
  void operator()(T* p) const { Free(p); }
};

using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, OpenSslDeleter<EVP_PKEY, EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, OpenSslDeleter<X509, X509_free>>;
using X509ReqPtr = std::unique_ptr<X509_REQ, OpenSslDeleter<X509_REQ, X509_REQ_free>>;
using BioPtr = std::unique_ptr<BIO, OpenSslDeleter<BIO, BIO_free_all>>;

// A read-only memory BIO over `data`; `data` must outlive it.
BioPtr MemoryBio(const std::string& data);
// Everything written to a memory BIO.
std::string BioContents(BIO* bio);

// `what` followed by the reasons OpenSSL queued; clears the queue. Always an error status of
// `code`.
absl::Status OpenSslError(const std::string& what,
                          absl::StatusCode code = absl::StatusCode::kInternal);

}  // namespace dm

#endif  // DM_COMMON_TLS_OPENSSL_TYPES_H_
