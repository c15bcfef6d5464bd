#include "controller/rpc/peer_identity.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/tls/certificate.h"

namespace dm {
namespace {

constexpr char kAgentPrefix[] = "agent/";
constexpr char kAdminPrefix[] = "admin/";

std::string FirstProperty(const grpc::AuthContext& auth, const char* name) {
  auto values = auth.FindPropertyValues(name);
  return values.empty() ? "" : std::string(values.front().data(), values.front().size());
}

}  // namespace

std::string PeerCommonName(PeerKind kind, const std::string& id) {
  return absl::StrCat(kind == PeerKind::kAgent ? kAgentPrefix : kAdminPrefix, id);
}

absl::StatusOr<PeerIdentity> RequirePeer(const grpc::ServerContextBase& context, PeerKind kind) {
  std::shared_ptr<const grpc::AuthContext> auth = context.auth_context();
  // The listener asks for client certificates and verifies those presented against the CA; a
  // call without one arrives here unauthenticated.
  if (!auth || !auth->IsPeerAuthenticated()) {
    return absl::UnauthenticatedError(
        "this call needs a client certificate issued by the controller's CA");
  }
  std::string cn = FirstProperty(*auth, GRPC_X509_CN_PROPERTY_NAME);
  const char* prefix = kind == PeerKind::kAgent ? kAgentPrefix : kAdminPrefix;
  if (!absl::StartsWith(cn, prefix) || cn.size() == std::string(prefix).size()) {
    return absl::PermissionDeniedError(absl::StrCat("certificate '", cn, "' may not call the ",
                                                    kind == PeerKind::kAgent ? "agent" : "admin",
                                                    " service"));
  }
  auto cert = Certificate::FromPem(FirstProperty(*auth, GRPC_X509_PEM_CERT_PROPERTY_NAME));
  if (!cert.ok()) return absl::UnauthenticatedError("client certificate could not be read");
  return PeerIdentity{kind, cn.substr(std::string(prefix).size()), cert->SerialHex()};
}

}  // namespace dm
