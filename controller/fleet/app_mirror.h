// Fleets' application repositories, mirrored by the controller and served to their servers.
//
// A fleet's app is a git repository on the controller's side (a URL or a local path) that its
// servers may not be able to reach. The controller fetches it into DATA_DIR/apps/FLEET.git,
// resolves the revision to one commit (so every app node runs the same code, and rollback knows
// what it returns to), pins that commit there, and serves the mirrors read-only with git daemon
// on the servers' private network.
#ifndef DM_CONTROLLER_FLEET_APP_MIRROR_H_
#define DM_CONTROLLER_FLEET_APP_MIRROR_H_

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/child_process.h"

namespace dm {

class AppMirror {
 public:
  explicit AppMirror(std::string dir) : dir_(std::move(dir)) {}

  // Fetches `repository`'s branches and tags into the fleet's mirror (creating it) and returns
  // the commit `revision` names there (HEAD: the repository's current HEAD).
  absl::StatusOr<std::string> Sync(const std::string& fleet, const std::string& repository,
                                   const std::string& revision);
  // Keeps `commit` in the mirror whatever the repository does later (rollback returns to it).
  absl::Status Pin(const std::string& fleet, const std::string& commit);
  // Removes the fleet's mirror (and the repository dmctl pushed for it).
  void Remove(const std::string& fleet);
  // The repository dmctl pushes a fleet's local app repository to (git receive-pack), made bare
  // on first use with its HEAD at refs/dm/source-head (the operator's HEAD, pushed there). The
  // fleet's app is then fetched from it as from any repository.
  absl::StatusOr<std::string> PushedRepository(const std::string& fleet);
  std::string PushedPath(const std::string& fleet) const {
    return dir_ + "/pushed/" + fleet + ".git";
  }

  // Serves the mirrors at git://ADDRESS/FLEET.git. Call from the main thread (ChildProcess).
  absl::Status Serve(const std::string& address);
  // "" until Serve().
  std::string Url(const std::string& fleet) const;

  // Serves the mirrors to servers at cloud providers, which are not on this machine's network:
  // listening on `listen_host`:`port` (0: a free one), reached at git://URL_HOST:PORT/FLEET.git,
  // and only from the addresses Allow() names (git daemon's access hook), as the mirrors hold
  // the fleets' source. Call from the main thread.
  absl::Status ServeClouds(const std::string& listen_host, const std::string& url_host,
                           uint16_t port);
  // "" until ServeClouds().
  std::string CloudUrl(const std::string& fleet) const;
  // The addresses that may fetch from the clouds' daemon: the cloud servers' own.
  void Allow(const std::vector<std::string>& addresses);

 private:
  std::string MirrorPath(const std::string& fleet) const { return dir_ + "/" + fleet + ".git"; }

  const std::string dir_;
  std::mutex mu_;        // one git at a time per controller: fetches are rare and short
  std::string address_;  // HOST:PORT, set once by Serve() before any fleet operation
  std::unique_ptr<ChildProcess> daemon_;
  std::string cloud_address_;  // HOST:PORT as cloud servers reach it, set once by ServeClouds()
  std::unique_ptr<ChildProcess> cloud_daemon_;
  std::string allowed_;  // what the allow file holds now
};

}  // namespace dm

#endif  // DM_CONTROLLER_FLEET_APP_MIRROR_H_
