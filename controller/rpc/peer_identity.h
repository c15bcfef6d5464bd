// Who is calling, from the client certificate that TLS verified against the controller's CA.
//
// Certificates name their holder in the subject CN: "agent/<agent id>" for agents (issued at
// enrollment) and "admin/<name>" for operators (dmctl). Every handler starts by asking for the
// kind of peer it serves: agent certificates reach only the agent service, admin certificates
// only the admin service, and a call without a verified certificate reaches neither.
#ifndef DM_CONTROLLER_RPC_PEER_IDENTITY_H_
#define DM_CONTROLLER_RPC_PEER_IDENTITY_H_

#include <grpcpp/grpcpp.h>

#include <string>

#include "absl/status/statusor.h"

namespace dm {

enum class PeerKind { kAgent, kAdmin };

struct PeerIdentity {
  PeerKind kind;
  std::string id;           // agent id or admin name
  std::string cert_serial;  // lowercase hex
};

// Unauthenticated if the call carries no verified client certificate; PermissionDenied if the
// certificate's subject is not of `kind`.
absl::StatusOr<PeerIdentity> RequirePeer(const grpc::ServerContextBase& context, PeerKind kind);

// The subject CN for certificates of `kind` held by `id`.
std::string PeerCommonName(PeerKind kind, const std::string& id);

}  // namespace dm

#endif  // DM_CONTROLLER_RPC_PEER_IDENTITY_H_
