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

 private:
  std::string MirrorPath(const std::string& fleet) const { return dir_ + "/" + fleet + ".git"; }

  const std::string dir_;
  std::mutex mu_;        // one git at a time per controller: fetches are rare and short
  std::string address_;  // HOST:PORT, set once by Serve() before any fleet operation
  std::unique_ptr<ChildProcess> daemon_;
};

}  // namespace dm

#endif  // DM_CONTROLLER_FLEET_APP_MIRROR_H_
