// The controller's credentials in its data directory, created on first start:
//
//   ca.crt, ca.key          the controller's own CA (key 0600)
//   server.crt, server.key  the TLS server certificate (chain: server, CA) and its key
//   admin.crt, admin.key    the operator's client credentials, for dmctl
//
// On later starts they are loaded; the server and admin certificates are renewed when they
// expire within 30 days. The CA is never replaced: agents pin it.
#ifndef DM_CONTROLLER_SETUP_CONTROLLER_PKI_H_
#define DM_CONTROLLER_SETUP_CONTROLLER_PKI_H_

#include <memory>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/tls/certificate_authority.h"

namespace dm {

struct ControllerPki {
  std::unique_ptr<CertificateAuthority> ca;
  std::string server_chain_pem;  // server certificate followed by the CA certificate
  std::string server_key_pem;
  std::string ca_path;
  std::string admin_cert_path;
  std::string admin_key_path;
};

absl::StatusOr<ControllerPki> LoadOrCreatePki(const std::string& data_dir, absl::Time now);

// Loads a leaf certificate issued by `ca` from the two files, or issues one for `spec` (and writes
// them, the key 0600) when they are missing, from another CA, or within 30 days of expiry.
// Returns the certificate PEM and the key PEM.
absl::StatusOr<std::pair<std::string, std::string>> LoadOrIssueLeaf(const CertificateAuthority& ca,
                                                                    const std::string& cert_path,
                                                                    const std::string& key_path,
                                                                    const CertificateSpec& spec,
                                                                    absl::Time now);

}  // namespace dm

#endif  // DM_CONTROLLER_SETUP_CONTROLLER_PKI_H_
