#include "controller/store/audit_trail.h"

#include "common/log.h"

namespace dm {

void AuditTrail::Record(const std::string& kind, const std::string& subject,
                        const std::string& message) const {
  EventRecord event;
  event.kind = kind;
  event.subject = subject;
  event.message = message;
  Record(std::move(event));
}

void AuditTrail::Record(EventRecord event) const {
  if (event.time == absl::Time()) event.time = clock_->Now();
  absl::StatusOr<uint64_t> seq = store_->AppendEvent(event);
  if (!seq.ok()) {
    LogError("could not record event {}: {}", event.kind, std::string(seq.status().message()));
  }
}

}  // namespace dm
