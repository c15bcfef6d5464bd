#include "controller/fleet/steps/media.h"

#include <map>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "controller/providers/providers_config.h"

namespace dm {
namespace {

std::string MediaPrefix(const std::string& fleet) { return fleet + "/media/"; }

// Where the backup store keeps a copy of a media object: apart from every fleet's backups
// (fleet names have no '_'), so that no upload is ever taken for a backup's description.
std::string CopyKey(const std::string& fleet, const std::string& key) {
  return absl::StrCat("_media/", fleet, "/", key.substr(MediaPrefix(fleet).size()));
}

// key -> size of what `store` holds under `prefix`.
absl::StatusOr<std::map<std::string, uint64_t>> Sizes(ObjectStore* store,
                                                      const std::string& prefix) {
  DM_ASSIGN_OR_RETURN(std::vector<ObjectInfo> listed, store->List(prefix));
  std::map<std::string, uint64_t> sizes;
  for (const ObjectInfo& o : listed) sizes[o.key] = o.size;
  return sizes;
}

}  // namespace

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
      absl::StrCat("The uploads of fleet ", fleet, " live under ", MediaPrefix(fleet), ".\n"));
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

absl::StatusOr<nlohmann::json> BackUpMedia(const NamedStore& media, ObjectStore* backups,
                                           const std::string& fleet, const std::string& backup_id,
                                           const FleetEventFn& emit) {
  const bool copy = backups->name() != media.store->name();
  emit(FleetEventOf(
      "", "backup", dm::v1::STEP_RUNNING,
      absl::StrCat("media in ", media.name, copy ? ", copied to the backup store" : "")));
  DM_ASSIGN_OR_RETURN(std::vector<ObjectInfo> objects, media.store->List(MediaPrefix(fleet)));
  std::map<std::string, uint64_t> copies;
  if (copy) {
    DM_ASSIGN_OR_RETURN(copies, Sizes(backups, CopyKey(fleet, MediaPrefix(fleet))));
  }
  nlohmann::json listing = nlohmann::json::array();
  uint64_t bytes = 0;
  int copied = 0;
  for (const ObjectInfo& o : objects) {
    if (copy) {
      auto have = copies.find(CopyKey(fleet, o.key));
      if (have == copies.end() || have->second != o.size) {
        absl::StatusOr<std::string> body = media.store->Get(o.key);
        if (absl::IsNotFound(body.status())) continue;  // deleted since the listing
        if (!body.ok()) return body.status();
        DM_RETURN_IF_ERROR(backups->Put(CopyKey(fleet, o.key), *body));
        ++copied;
      }
    }
    listing.push_back({{"key", o.key}, {"size", o.size}});
    bytes += o.size;
  }
  DM_RETURN_IF_ERROR(backups->Put(backup_id + ".media", listing.dump(1)));
  emit(FleetEventOf(
      "", "backup", dm::v1::STEP_CHANGED,
      absl::StrCat(listing.size(), " media objects, ", bytes, " bytes (", copied, " copied now)")));
  return nlohmann::json{
      {"store", media.name}, {"objects", listing.size()}, {"bytes", bytes}, {"copied", copy}};
}

absl::Status RestoreMedia(const NamedStore& media, ObjectStore* backups, const std::string& fleet,
                          const std::string& backup_id, const FleetEventFn& emit) {
  absl::StatusOr<std::string> text = backups->Get(backup_id + ".media");
  if (absl::IsNotFound(text.status())) return absl::OkStatus();  // a backup without media
  if (!text.ok()) return text.status();
  nlohmann::json listing = nlohmann::json::parse(*text, nullptr, false);
  if (!listing.is_array()) {
    return absl::DataLossError(absl::StrCat(backup_id, ".media is not a listing of objects"));
  }
  DM_ASSIGN_OR_RETURN(auto present, Sizes(media.store.get(), MediaPrefix(fleet)));
  int restored = 0, lost = 0;
  for (const nlohmann::json& entry : listing) {
    const std::string key = entry.value("key", "");
    if (!absl::StartsWith(key, MediaPrefix(fleet))) continue;  // not this fleet's: never written
    auto have = present.find(key);
    if (have != present.end() && have->second == entry.value("size", uint64_t{0})) continue;
    absl::StatusOr<std::string> body = backups->name() == media.store->name()
                                           ? absl::NotFoundError("not copied")
                                           : backups->Get(CopyKey(fleet, key));
    if (!body.ok()) {
      ++lost;
      continue;
    }
    DM_RETURN_IF_ERROR(media.store->Put(key, *body));
    ++restored;
  }
  emit(FleetEventOf("", "restore", lost ? dm::v1::STEP_FAILED : dm::v1::STEP_CHANGED,
                    absl::StrCat(listing.size(), " media objects in ", media.name, ": ", restored,
                                 " brought back", lost ? absl::StrCat(", ", lost, " lost") : "")));
  if (lost > 0) {
    return absl::DataLossError(absl::StrCat(lost, " of the backup's ", listing.size(),
                                            " media objects are gone from ", media.name,
                                            " and have no copy in the backup store"));
  }
  return absl::OkStatus();
}

void PruneMediaCopies(ObjectStore* backups, const std::string& fleet) {
  absl::StatusOr<std::vector<ObjectInfo>> listings = backups->List(fleet + "/");
  absl::StatusOr<std::vector<ObjectInfo>> copies =
      backups->List(CopyKey(fleet, MediaPrefix(fleet)));
  if (!listings.ok() || !copies.ok()) return;
  std::set<std::string> listed;
  for (const ObjectInfo& o : *listings) {
    if (!absl::EndsWith(o.key, ".media")) continue;
    nlohmann::json listing =
        nlohmann::json::parse(backups->Get(o.key).value_or(""), nullptr, false);
    if (!listing.is_array()) return;
    for (const nlohmann::json& entry : listing) {
      const std::string key = entry.is_object() ? entry.value("key", "") : "";
      if (absl::StartsWith(key, MediaPrefix(fleet))) listed.insert(CopyKey(fleet, key));
    }
  }
  for (const ObjectInfo& copy : *copies) {
    if (!listed.count(copy.key)) (void)backups->Delete(copy.key);
  }
}

}  // namespace dm
