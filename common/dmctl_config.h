// dmctl's configuration file, which dm-controller writes into its data directory on start (as k3s
// writes a kubeconfig):
//
//   controller: 127.0.0.1:7443      # HOST:PORT to dial
//   ca: /var/lib/dm/ca.crt          # the controller's CA: the only one trusted
//   cert: /var/lib/dm/admin.crt     # the operator's client certificate
//   key: /var/lib/dm/admin.key
//
// Relative paths are taken from the file's own directory.
#ifndef DM_COMMON_DMCTL_CONFIG_H_
#define DM_COMMON_DMCTL_CONFIG_H_

#include <string>

#include "absl/status/statusor.h"

namespace dm {

struct DmctlConfig {
  std::string controller;
  std::string ca;
  std::string cert;
  std::string key;

  // InvalidArgument naming the file, and the line and field where there is one, if the file is
  // not valid YAML, misses a field or has one it does not know. NotFound if it does not exist.
  static absl::StatusOr<DmctlConfig> Load(const std::string& path);
  // Written 0600: it points at the operator's private key.
  absl::Status Write(const std::string& path) const;
};

}  // namespace dm

#endif  // DM_COMMON_DMCTL_CONFIG_H_
