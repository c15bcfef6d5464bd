#include "controller/store/audit_trail.h"

#include "common/log.h"

namespace dm {

void AuditTrail::Record(const std::string& kind, const std::string& subject,
                        const std::string& message) const {
  EventRecord event;
  event.time = clock_->Now();
  event.kind = kind;
  event.subject = subject;
  event.message = message;
  absl::Status status = store_->AppendEvent(event);
  if (!status.ok()) {
    LogError("could not record event {}: {}", kind, std::string(status.message()));
  }
}

}  // namespace dm
