// The user data (cloud-init's #cloud-config) a server of a cloud provider boots with: the host
// key the controller made for it, so that bootstrap's first connection is already verified, and
// root's login by key (the provider installs the operator key), which bootstrap then closes.
#ifndef DM_CONTROLLER_SERVERS_CLOUD_INIT_H_
#define DM_CONTROLLER_SERVERS_CLOUD_INIT_H_

#include <string>

#include "bootstrap/host_key.h"

namespace dm {

std::string CloudInitUserData(const HostKeyPair& host_key);

}  // namespace dm

#endif  // DM_CONTROLLER_SERVERS_CLOUD_INIT_H_
