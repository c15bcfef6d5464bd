// The local servers' only way out: apt-cacher-ng on the bridge's host address, allowed to
// fetch only from the Debian mirrors of this machine's apt sources (ForceManaged). It also
// caches, so the second server's packages come from this machine. Runs detached, so that it
// outlives a controller restart as the servers do.
#ifndef DM_CONTROLLER_PROVIDERS_LOCAL_APT_PROXY_H_
#define DM_CONTROLLER_PROVIDERS_LOCAL_APT_PROXY_H_

#include <string>

#include "absl/status/status.h"
#include "controller/providers/local/base_image.h"

namespace dm::local {

// Not apt-cacher-ng's usual 3142: the Debian package may run its own instance on all addresses.
inline constexpr int kAptProxyPort = 3143;

// Starts the proxy for `listen_address` with its files under `dir`, unless it runs already.
absl::Status EnsureAptProxy(const std::string& dir, const std::string& listen_address,
                            const DebianMirrors& mirrors);
// Stops it (when the last server is gone).
void StopAptProxy(const std::string& dir);

}  // namespace dm::local

#endif  // DM_CONTROLLER_PROVIDERS_LOCAL_APT_PROXY_H_
