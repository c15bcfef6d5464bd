#include "controller/enrollment/enrollment_service.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/random.h"
#include "common/status_macros.h"
#include "common/tls/csr.h"

namespace dm {

bool IsValidAgentName(const std::string& name) {
  if (name.empty() || name.size() > 63 ||
      !absl::ascii_isalnum(static_cast<unsigned char>(name[0]))) {
    return false;
  }
  for (unsigned char c : name) {
    if (!absl::ascii_isalnum(c) && c != '.' && c != '_' && c != '-') return false;
  }
  return true;
}

absl::StatusOr<Enrolled> EnrollmentService::Enroll(const dm::v1::EnrollRequest& request,
                                                   const std::string& peer) {
  absl::StatusOr<Enrolled> result = EnrollChecked(request);
  // The token id is safe to record; the secret never is.
  std::string subject = request.name().empty() ? "token " + request.token_id() : request.name();
  if (result.ok()) {
    LogInfo("enrolled agent {} (id {}, role '{}') from {} with token {}", result->agent.name,
            result->agent.id, result->agent.role, peer, request.token_id());
    audit_.Record("agent.enrolled", result->agent.name,
                  absl::StrCat("enrolled from ", peer, " with token ", request.token_id()));
  } else {
    LogWarn("refused enrollment of '{}' from {}: {}", absl::CHexEscape(request.name()), peer,
            std::string(result.status().message()));
    audit_.Record("enroll.refused", subject,
                  absl::StrCat("from ", peer, ": ", result.status().message()));
  }
  return result;
}

absl::StatusOr<Enrolled> EnrollmentService::EnrollChecked(const dm::v1::EnrollRequest& request) {
  // Authenticate first: someone without a valid token learns nothing about names or CSR rules.
  DM_ASSIGN_OR_RETURN(TokenRecord token,
                      tokens_->CheckUsable(request.token_id(), request.token_secret()));
  if (!IsValidAgentName(request.name())) {
    return absl::InvalidArgumentError(absl::StrCat("agent name '", request.name(),
                                                   "' is not valid: use 1-63 letters, digits, '.', "
                                                   "'_' or '-', starting with a letter or digit"));
  }
  if (directory_->Get(request.name()).ok()) {
    return absl::AlreadyExistsError(
        absl::StrCat("an agent named '", request.name(),
                     "' is already enrolled; remove it first with 'dmctl agents remove ",
                     request.name(), "' or choose another --name"));
  }
  DM_ASSIGN_OR_RETURN(EvpPkeyPtr public_key, VerifiedCsrPublicKey(request.csr_pem()));

  absl::Time now = clock_->Now();
  AgentRecord agent;
  agent.id = RandomToken(20);
  agent.name = request.name();
  agent.role = token.role;
  agent.enrolled = now;
  agent.token_id = token.id;
  agent.facts = request.facts();
  agent.version = request.facts().agent_version();

  CertificateSpec spec;
  spec.kind = CertificateKind::kClient;
  spec.common_name = absl::StrCat("agent/", agent.id);
  spec.not_before = now;
  spec.validity = kAgentCertificateValidity;
  DM_ASSIGN_OR_RETURN(Certificate cert, ca_->Issue(public_key.get(), spec));
  agent.cert_serial = cert.SerialHex();
  agent.cert_expires = cert.NotAfter();

  // The commit counts the use only if nobody else used the token since we read it. Agents of one
  // fleet often enroll at the same moment with one multi-use token: on a lost race, read the
  // token again and retry while it is still usable. Each round some enrollment wins, so this ends.
  for (int attempt = 0;; ++attempt) {
    absl::Status committed = store_->CommitEnrollment(token, agent);
    if (!absl::IsAborted(committed) || attempt >= kMaxCommitAttempts) {
      DM_RETURN_IF_ERROR(committed);
      break;
    }
    DM_ASSIGN_OR_RETURN(token, tokens_->CheckUsable(request.token_id(), request.token_secret()));
  }
  directory_->Add(agent);
  return Enrolled{agent, cert.ToPem()};
}

}  // namespace dm
