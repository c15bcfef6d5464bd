#include "controller/enrollment/enrollment_service.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/log.h"
#include "common/random.h"
#include "common/status_macros.h"
#include "common/tls/csr.h"
#include "controller/agents/agent_facts.h"
#include "controller/agents/peer_address.h"

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
  std::string address = HostOfPeer(peer);
  AttemptLimiter::Admission admission = attempts_.Admit(address);
  if (!admission.allowed) {
    // One event when an address starts being refused; the refusals that follow are not recorded.
    if (admission.first_refusal) {
      LogWarn("refusing enrollment attempts from {} for a while: too many failed attempts",
              address);
      audit_.Record("enroll.throttled", address,
                    absl::StrCat("more than ", AttemptLimiter::kFailuresAllowed,
                                 " failed enrollment attempts from ", address,
                                 "; its attempts are refused unread until they slow down"));
    }
    return absl::ResourceExhaustedError(
        absl::StrCat("too many failed enrollment attempts from ", address, "; try again in ",
                     absl::FormatDuration(absl::Ceil(admission.retry_after, absl::Seconds(1)))));
  }
  absl::StatusOr<Enrolled> result = EnrollChecked(request);
  if (!result.ok()) attempts_.RecordFailure(address);
  // The token id is safe to record; the secret never is.
  // Both come from the caller, who may be anyone: escaped and cut before they are kept or shown.
  std::string subject = request.name().empty()
                            ? "token " + absl::CHexEscape(request.token_id().substr(0, 64))
                            : absl::CHexEscape(request.name().substr(0, 64));
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
    return absl::InvalidArgumentError(absl::StrCat("agent name '",
                                                   absl::CHexEscape(request.name().substr(0, 64)),
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
  std::vector<std::string> cleaned = CleanFacts(&agent.facts);
  if (!cleaned.empty()) {
    LogWarn("enrollment of {}: facts cleaned: {}", agent.name, absl::StrJoin(cleaned, "; "));
  }
  agent.version = agent.facts.agent_version();

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
