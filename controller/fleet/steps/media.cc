#include "controller/fleet/steps/media.h"

#include "absl/strings/str_cat.h"
#include "controller/providers/providers_config.h"

namespace dm {

absl::StatusOr<const NamedStore*> FleetMediaStore(const FleetEnv& env, const FleetFile& file) {
  if (file.media.store.empty()) return nullptr;
  const NamedStore* store = env.storage ? env.storage->Find(file.media.store) : nullptr;
  if (store == nullptr) {
    return absl::FailedPreconditionError(absl::StrCat(
        "fleet ", file.name, ": media: store: '", file.media.store,
        "' is not a store of this controller (a storage: entry of its --providers file)"));
  }
  return store;
}

absl::Status PrepareMediaStore(const NamedStore& store, const std::string& fleet) {
  absl::Status put = store.store->Put(
      fleet + "/media-store",
      absl::StrCat("The uploads of fleet ", fleet, " live under ", fleet, "/media/.\n"));
  if (!put.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("media store ", store.name, ": ", put.message()));
  }
  return absl::OkStatus();
}

std::vector<std::pair<std::string, std::string>> MediaEnvironment(const NamedStore& store,
                                                                  const std::string& fleet) {
  const StoreSettings& s = store.settings;
  std::vector<std::pair<std::string, std::string>> env = {{"DM_MEDIA_STORE", s.type},
                                                          {"DM_MEDIA_PREFIX", fleet + "/media/"}};
  if (s.type == "s3") {
    env.insert(env.end(), {{"DM_MEDIA_ENDPOINT", s.s3.endpoint},
                           {"DM_MEDIA_REGION", s.s3.region},
                           {"DM_MEDIA_BUCKET", s.s3.bucket},
                           {"DM_MEDIA_ACCESS_KEY", s.s3.access_key},
                           {"DM_MEDIA_SECRET_KEY", s.s3.secret_key},
                           {"DM_MEDIA_ADDRESSING", s.s3.virtual_hosted ? "virtual" : "path"}});
  } else if (s.type == "swift") {
    env.insert(env.end(), {{"DM_MEDIA_AUTH_URL", s.swift.auth_url},
                           {"DM_MEDIA_AUTH_VERSION", std::to_string(s.swift.auth_version)},
                           {"DM_MEDIA_USER", s.swift.user},
                           {"DM_MEDIA_KEY", s.swift.key},
                           {"DM_MEDIA_PROJECT", s.swift.project},
                           {"DM_MEDIA_DOMAIN", s.swift.domain},
                           {"DM_MEDIA_REGION", s.swift.region},
                           {"DM_MEDIA_CONTAINER", s.swift.container}});
  }
  return env;
}

}  // namespace dm
