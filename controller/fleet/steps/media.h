// A fleet's media (the files its users upload): in an object store of the controller's
// --providers (`storage:`), named by the fleet file's `media: {store: NAME}`, so that every app
// node serves the same uploads and none lives on one node's disk. The app nodes learn the store
// from DM_MEDIA_* variables in their settings file (docs/apps.md).
#ifndef DM_CONTROLLER_FLEET_STEPS_MEDIA_H_
#define DM_CONTROLLER_FLEET_STEPS_MEDIA_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "controller/fleet/fleet_env.h"
#include "controller/fleet/fleet_events.h"
#include "controller/fleet/model/fleet_file.h"
#include "nlohmann/json.hpp"

namespace dm {

struct NamedStore;

// The fleet's media store; nullptr when its file names none. FailedPrecondition for a store the
// controller does not have.
absl::StatusOr<const NamedStore*> FleetMediaStore(const FleetEnv& env, const FleetFile& file);

// Writes FLEET/media-store into the store: its credentials work and its container or bucket
// exists before any app node needs it. FailedPrecondition naming the store otherwise.
absl::Status PrepareMediaStore(const NamedStore& store, const std::string& fleet);

// Where the app finds the store: DM_MEDIA_STORE (swift or s3), its endpoint and credentials,
// and DM_MEDIA_PREFIX, the fleet's part of it ("FLEET/media/").
std::vector<std::pair<std::string, std::string>> MediaEnvironment(const NamedStore& store,
                                                                  const std::string& fleet);

// The media part of backup `backup_id` (FLEET/TIMESTAMP): the listing of the fleet's objects at
// this moment, as BACKUP_ID.media (their keys and sizes), and, when the backup store is another
// store than the media's, a copy of each object it lacks, as _media/FLEET/KEY (uploads are never
// overwritten, so a copy taken once serves every later backup). Returns the backup's description
// of it: {store, objects, bytes, copied}. An object deleted between the listing and its copy is
// left out of the listing.
absl::StatusOr<nlohmann::json> BackUpMedia(const NamedStore& media, ObjectStore* backups,
                                           const std::string& fleet, const std::string& backup_id,
                                           const FleetEventFn& emit);

// Brings back every object of the backup's listing that the media store lacks, from the copies in
// the backup store. A backup without media is nothing to do. DataLoss naming how many objects
// could not come back (the backup store is the media store, or a copy is gone).
absl::Status RestoreMedia(const NamedStore& media, ObjectStore* backups, const std::string& fleet,
                          const std::string& backup_id, const FleetEventFn& emit);

// Deletes the fleet's media copies in the backup store that no backup lists any more (after
// backups were pruned). Keeps everything when a listing cannot be read: a copy too many is
// better than one too few.
void PruneMediaCopies(ObjectStore* backups, const std::string& fleet);

}  // namespace dm

#endif  // DM_CONTROLLER_FLEET_STEPS_MEDIA_H_
