#include "controller/setup/controller_pki.h"

#include "absl/strings/str_cat.h"
#include "common/files.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "common/tls/key.h"
#include "common/tls/server_name.h"
#include "controller/rpc/peer_identity.h"

namespace dm {
namespace {

constexpr absl::Duration kRenewBefore = absl::Hours(24 * 30);
constexpr char kAdminName[] = "operator";

absl::StatusOr<std::unique_ptr<CertificateAuthority>> LoadOrCreateCa(const std::string& dir,
                                                                     absl::Time now) {
  std::string cert_path = dir + "/ca.crt";
  std::string key_path = dir + "/ca.key";
  if (PathExists(cert_path) || PathExists(key_path)) {
    DM_ASSIGN_OR_RETURN(std::string cert_pem, ReadFile(cert_path));
    DM_ASSIGN_OR_RETURN(std::string key_pem, ReadFile(key_path));
    absl::StatusOr<CertificateAuthority> ca = CertificateAuthority::Load(cert_pem, key_pem);
    if (!ca.ok()) {
      return absl::Status(ca.status().code(), absl::StrCat(cert_path, ": ", ca.status().message()));
    }
    return std::make_unique<CertificateAuthority>(std::move(*ca));
  }
  DM_ASSIGN_OR_RETURN(CertificateAuthority ca,
                      CertificateAuthority::Create("DeployMachine controller CA", now));
  DM_ASSIGN_OR_RETURN(std::string key_pem, ca.KeyPem());
  // Key first: a crash in between leaves a key without a certificate, which the next start
  // reports rather than silently replacing a CA that agents may already pin.
  DM_RETURN_IF_ERROR(WriteFileAtomic(key_path, key_pem, 0600));
  DM_RETURN_IF_ERROR(WriteFileAtomic(cert_path, ca.certificate().ToPem(), 0644));
  LogInfo("created CA {} (fingerprint {})", cert_path, ca.certificate().Fingerprint());
  return std::make_unique<CertificateAuthority>(std::move(ca));
}

}  // namespace

absl::StatusOr<std::pair<std::string, std::string>> LoadOrIssueLeaf(const CertificateAuthority& ca,
                                                                    const std::string& cert_path,
                                                                    const std::string& key_path,
                                                                    const CertificateSpec& spec,
                                                                    absl::Time now) {
  if (PathExists(cert_path) && PathExists(key_path)) {
    DM_ASSIGN_OR_RETURN(std::string cert_pem, ReadFile(cert_path));
    DM_ASSIGN_OR_RETURN(std::string key_pem, ReadFile(key_path));
    absl::StatusOr<Certificate> cert = Certificate::FromPem(cert_pem);
    if (cert.ok() && cert->IsIssuedBy(ca.certificate()) && cert->NotAfter() - now > kRenewBefore) {
      return std::make_pair(cert->ToPem(), key_pem);
    }
    LogInfo("renewing {}", cert_path);
  }
  DM_ASSIGN_OR_RETURN(EvpPkeyPtr key, GenerateKey());
  DM_ASSIGN_OR_RETURN(std::string key_pem, PrivateKeyToPem(key.get()));
  DM_ASSIGN_OR_RETURN(Certificate cert, ca.Issue(key.get(), spec));
  DM_RETURN_IF_ERROR(WriteFileAtomic(key_path, key_pem, 0600));
  DM_RETURN_IF_ERROR(WriteFileAtomic(cert_path, cert.ToPem(), 0644));
  return std::make_pair(cert.ToPem(), key_pem);
}

absl::StatusOr<ControllerPki> LoadOrCreatePki(const std::string& data_dir, absl::Time now) {
  ControllerPki pki;
  DM_ASSIGN_OR_RETURN(pki.ca, LoadOrCreateCa(data_dir, now));
  pki.ca_path = data_dir + "/ca.crt";

  CertificateSpec server;
  server.kind = CertificateKind::kServer;
  server.common_name = kControllerServerName;
  server.dns_names = {kControllerServerName, "localhost"};
  server.ip_addresses = {"127.0.0.1", "::1"};
  server.not_before = now;
  DM_ASSIGN_OR_RETURN(auto server_pair, LoadOrIssueLeaf(*pki.ca, data_dir + "/server.crt",
                                                        data_dir + "/server.key", server, now));
  // Clients pin the CA by fingerprint, so the server sends it along with its own certificate.
  pki.server_chain_pem = server_pair.first + pki.ca->certificate().ToPem();
  pki.server_key_pem = server_pair.second;

  CertificateSpec admin;
  admin.kind = CertificateKind::kClient;
  admin.common_name = PeerCommonName(PeerKind::kAdmin, kAdminName);
  admin.not_before = now;
  pki.admin_cert_path = data_dir + "/admin.crt";
  pki.admin_key_path = data_dir + "/admin.key";
  DM_RETURN_IF_ERROR(
      LoadOrIssueLeaf(*pki.ca, pki.admin_cert_path, pki.admin_key_path, admin, now).status());
  return pki;
}

}  // namespace dm
