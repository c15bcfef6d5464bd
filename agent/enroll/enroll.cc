#include "agent/enroll/enroll.h"

#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "agent/enroll/controller_probe.h"
#include "common/controller_channel.h"
#include "common/grpc_status.h"
#include "common/host_port.h"
#include "common/join_token.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "common/tls/csr.h"
#include "common/tls/key.h"
#include "dm/v1/enroll.grpc.pb.h"

namespace dm {
namespace {

absl::StatusOr<dm::v1::EnrollResponse> CallEnroll(const std::string& controller,
                                                  const std::string& ca_pem,
                                                  const dm::v1::EnrollRequest& request,
                                                  absl::Time deadline) {
  auto channel = CreateControllerChannel(controller, {ca_pem, "", ""});
  auto stub = dm::v1::Enrollment::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(deadline));
  context.set_wait_for_ready(true);  // ride out a controller that is still starting
  dm::v1::EnrollResponse response;
  grpc::Status status = stub->Enroll(&context, request, &response);
  if (!status.ok()) return FromGrpcStatus(status);
  return response;
}

}  // namespace

absl::StatusOr<AgentIdentity> Enroll(const EnrollOptions& options) {
  DM_ASSIGN_OR_RETURN(JoinToken token, JoinToken::Parse(options.token));
  DM_ASSIGN_OR_RETURN(HostPort controller, HostPort::Parse(options.controller));
  const absl::Time deadline = absl::Now() + options.timeout;

  // 1. Find the controller's CA and check it against the token before sending the secret.
  absl::StatusOr<std::vector<Certificate>> chain;
  for (absl::Duration wait = absl::Milliseconds(200);;
       wait = std::min(wait * 2, absl::Seconds(3))) {
    chain = FetchPresentedChain(controller, absl::Seconds(5));
    if (chain.ok() || !absl::IsUnavailable(chain.status()) || absl::Now() + wait > deadline) break;
    LogInfo("controller {} not reachable yet ({}); retrying", controller.ToString(),
            std::string(chain.status().message()));
    absl::SleepFor(wait);
  }
  DM_RETURN_IF_ERROR(chain.status());
  DM_ASSIGN_OR_RETURN(Certificate ca, PinnedCaFromChain(*chain, token.ca_fingerprint));

  // 2. A key of our own and a request for it.
  DM_ASSIGN_OR_RETURN(EvpPkeyPtr key, GenerateKey());
  dm::v1::EnrollRequest request;
  request.set_token_id(token.id);
  request.set_token_secret(token.secret);
  request.set_name(options.name);
  DM_ASSIGN_OR_RETURN(*request.mutable_csr_pem(), CreateCsr(key.get(), options.name));
  *request.mutable_facts() = options.facts;

  // 3. Over a channel that trusts only the pinned CA.
  DM_ASSIGN_OR_RETURN(dm::v1::EnrollResponse response,
                      CallEnroll(controller.ToString(), ca.ToPem(), request, deadline));

  // 4. The certificate must be for our key and from the pinned CA.
  DM_ASSIGN_OR_RETURN(Certificate cert, Certificate::FromPem(response.certificate_pem()));
  if (!cert.IsIssuedBy(ca) || EVP_PKEY_eq(X509_get0_pubkey(cert.get()), key.get()) != 1) {
    return absl::PermissionDeniedError(
        "the controller returned a certificate that is not for this agent's key");
  }

  AgentIdentity identity;
  identity.id = response.agent_id();
  identity.name = options.name;
  identity.role = response.role();
  identity.controller = controller.ToString();
  DM_ASSIGN_OR_RETURN(identity.key_pem, PrivateKeyToPem(key.get()));
  identity.cert_pem = cert.ToPem();
  identity.ca_pem = ca.ToPem();
  DM_RETURN_IF_ERROR(identity.Save(options.data_dir));
  return identity;
}

}  // namespace dm
