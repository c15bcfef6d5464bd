#include "agent/cookbook/resources/libcurl.h"

#include <dlfcn.h>

#include <mutex>

#include "absl/strings/str_cat.h"

namespace dm::cookbook {
namespace {

template <typename F>
bool Resolve(void* library, const char* name, F* out) {
  *out = reinterpret_cast<F>(::dlsym(library, name));
  return *out != nullptr;
}

absl::StatusOr<const Libcurl*> Load() {
  void* library = ::dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
  if (library == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("downloads need libcurl (", ::dlerror(),
                     "): install the libcurl4 package first, e.g. with a package resource"));
  }
  static Libcurl curl;
  bool ok = Resolve(library, "curl_global_init", &curl.global_init) &&
            Resolve(library, "curl_easy_init", &curl.easy_init) &&
            Resolve(library, "curl_easy_setopt", &curl.easy_setopt) &&
            Resolve(library, "curl_easy_perform", &curl.easy_perform) &&
            Resolve(library, "curl_easy_cleanup", &curl.easy_cleanup) &&
            Resolve(library, "curl_easy_strerror", &curl.easy_strerror);
  if (!ok) return absl::FailedPreconditionError("libcurl.so.4 lacks the easy interface");
  if (curl.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
    return absl::InternalError("libcurl could not be initialised");
  return &curl;
}

}  // namespace

absl::StatusOr<const Libcurl*> LoadLibcurl() {
  static std::once_flag once;
  static absl::StatusOr<const Libcurl*> loaded = absl::UnknownError("not loaded");
  std::call_once(once, [] { loaded = Load(); });
  return loaded;
}

}  // namespace dm::cookbook
